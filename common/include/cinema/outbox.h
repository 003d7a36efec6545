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

// The confirmed-but-unmarked event ids as a JSON array (and forgets them), for
// statements that mark them published themselves (the place_hold procedure).
std::string take_published_marks(Context& ctx);

}  // namespace cinema
