// Transactional outbox: an event row is written in the same transaction as the
// state change it announces; after commit the function publishes it at once
// (no confirm wait) and marks it published. Whatever is left unpublished (the
// broker was down, the process died) is re-published by the worker's relay.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cinema/context.h"
#include "cinema/db.h"
#include "cinema/event.h"

namespace cinema {

// `data_json` is the event's "data" object, already serialised. Also marks the
// events the broker confirmed since (see publish_after_commit) as published,
// inside the same transaction, so marking costs no commit of its own.
OutboxEvent write_event(Session& s, Context& ctx, const std::string& type,
                        const std::string& aggregate_type, int64_t aggregate_id,
                        const std::string& data_json);

// Publishes each event (no confirm wait) and collects the broker's confirms
// that have already arrived; failures are logged and left to the relay.
// Never throws.
void publish_after_commit(Context& ctx, const std::vector<OutboxEvent>& events);

std::string uuid_v4();

// Marks the confirmed-but-unmarked events published, inside `s`'s
// transaction, in batches: on a busy process one UPDATE per 16 events rather
// than one per event; a quiet process still marks at every call (at most
// every kMarkIntervalMs), so the relay rarely sends a duplicate. For hot
// paths that write their events without write_event (the place_hold
// procedure).
void mark_published_batched(Session& s, Context& ctx);

}  // namespace cinema
