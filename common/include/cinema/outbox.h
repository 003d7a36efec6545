// Transactional outbox: an event row is written in the same transaction as the
// state change it announces; after commit the function publishes it at once
// (no confirm wait) and marks it published. Whatever is left unpublished (the
// broker was down, the process died) is re-published by the worker's relay.
#pragma once

#include <cstdint>
#include <optional>
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

// Confirmed-but-unmarked events for a statement that marks them published
// itself (the place_hold procedure), in batches: on a busy process one batch
// per kMarkChunk events rather than a mark per event; a quiet one still sends
// its marks with every call (at most every 200 ms), so the relay rarely sends
// a duplicate. ids is empty when no batch is due.
struct MarkBatch {
  std::vector<std::string> ids;
  std::optional<std::string> json() const;  // a JSON array, or nullopt (SQL NULL) when empty
};
MarkBatch take_mark_batch(Context& ctx);
// For a transaction that did not commit: the marks wait for the next one.
void restore_mark_batch(Context& ctx, MarkBatch batch);

}  // namespace cinema
