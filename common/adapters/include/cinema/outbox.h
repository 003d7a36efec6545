// Transactional outbox: an event row is written in the same transaction as the
// state change it announces. Request paths publish nothing to RabbitMQ: the
// worker's relay publishes unpublished rows in batches with confirms, polling
// every ~150 ms through its run, so the row is the durability and the broker
// costs a request nothing.
#pragma once

#include <cstdint>
#include <string>

#include "cinema/context.h"
#include "cinema/db.h"
#include "cinema/event.h"

namespace cinema {

// `data_json` is the event's "data" object, already serialised. The row is
// also the change's audit record (audit_feed): it carries ctx's actor
// (SYSTEM when none) and request id, so the writer adds no audit_log row.
OutboxEvent write_event(Session& s, Context& ctx, const std::string& type,
                        const std::string& aggregate_type, int64_t aggregate_id,
                        const std::string& data_json);

std::string uuid_v4();

}  // namespace cinema
