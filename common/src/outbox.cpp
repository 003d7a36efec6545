#include "cinema/outbox.h"

#include <algorithm>

#include "cinema/clock.h"
#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/log.h"

namespace cinema {

std::string uuid_v4() {
  std::string h = random_hex(16);
  h[12] = '4';
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

namespace {

constexpr size_t kMarkChunk = 16;  // bounds the number of distinct prepared statements
constexpr size_t kMaxPendingMarks = 512;
constexpr int64_t kMarkIntervalMs = 200;

void mark_published(Session& s, const std::vector<std::string>& event_ids) {
  for (size_t i = 0; i < event_ids.size(); i += kMarkChunk) {
    std::vector<Session::Param> ids(event_ids.begin() + i,
                                    event_ids.begin() + std::min(event_ids.size(), i + kMarkChunk));
    s.exec_list("UPDATE outbox SET published_at = NOW(3) WHERE published_at IS NULL AND "
                "event_id IN (" + placeholders(ids.size()) + ")",
                ids);
  }
}

}  // namespace

OutboxEvent write_event(Session& s, Context& ctx, const std::string& type,
                        const std::string& aggregate_type, int64_t aggregate_id,
                        const std::string& data_json) {
  if (!ctx.confirmed_events().empty()) {
    // If this transaction rolls back, these rows stay unpublished and the
    // relay sends them again: a duplicate, never a loss.
    mark_published(s, ctx.confirmed_events());
    ctx.confirmed_events().clear();
  }
  OutboxEvent e;
  e.event_id = uuid_v4();
  e.type = type;
  JsonWriter w;
  w.begin_object()
      .field("event_id", e.event_id)
      .field("type", type)
      .field("occurred_at", format_rfc3339(ctx.clock().now_s()))
      .key("data")
      .raw(data_json)
      .end_object();
  e.body = w.str();
  s.exec(
      "INSERT INTO outbox (event_id, event_type, routing_key, aggregate_type, aggregate_id, "
      "payload) VALUES (?, ?, ?, ?, ?, ?)",
      e.event_id, type, type, aggregate_type, aggregate_id, e.body);
  return e;
}

MarkBatch take_mark_batch(Context& ctx) {
  MarkBatch batch;
  auto& pending = ctx.confirmed_events();
  if (pending.empty()) return batch;
  int64_t now_ms = ctx.clock().now_ms();
  if (pending.size() < kMarkChunk && now_ms - ctx.marks_flushed_at_ms < kMarkIntervalMs) {
    return batch;
  }
  batch.ids.swap(pending);
  ctx.marks_flushed_at_ms = now_ms;
  return batch;
}

void restore_mark_batch(Context& ctx, MarkBatch batch) {
  auto& pending = ctx.confirmed_events();
  pending.insert(pending.end(), batch.ids.begin(), batch.ids.end());
}

std::optional<std::string> MarkBatch::json() const {
  if (ids.empty()) return std::nullopt;
  JsonWriter w;
  w.begin_array();
  for (const auto& id : ids) w.value(id);
  w.end_array();
  return w.str();
}

void publish_after_commit(Context& ctx, const std::vector<OutboxEvent>& events) {
  try {
    for (const auto& e : events) ctx.publisher().publish(e.type, e.body, e.event_id);
    // Acks of this request's messages are usually not back yet; those of
    // earlier requests are. Only confirmed events are ever marked published,
    // so "published" stays true even if the broker dies before persisting.
    std::vector<std::string> confirmed = ctx.publisher().take_confirmed();
    auto& pending = ctx.confirmed_events();
    pending.insert(pending.end(), confirmed.begin(), confirmed.end());
    if (pending.size() >= kMaxPendingMarks) {
      ctx.db().autocommit([&](Session& s) { mark_published(s, pending); });
      pending.clear();
    }
  } catch (const std::exception& ex) {
    log(LogLevel::kWarn, "publish after commit failed", {{"error", ex.what()}});
  }
}

}  // namespace cinema
