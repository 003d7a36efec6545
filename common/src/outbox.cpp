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

OutboxEvent write_event(Session& s, const Context& ctx, const std::string& type,
                        const std::string& aggregate_type, int64_t aggregate_id,
                        const std::string& data_json) {
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

void publish_after_commit(Context& ctx, const std::vector<OutboxEvent>& events) {
  try {
    for (const auto& e : events) ctx.publisher().publish(e.type, e.body, e.event_id);
    // Acks of this request's messages are usually not back yet; those of
    // earlier requests are. Marking only confirmed events keeps "published"
    // true even if the broker dies before persisting a message.
    std::vector<std::string> confirmed = ctx.publisher().take_confirmed();
    if (confirmed.empty()) return;
    constexpr size_t kChunk = 16;  // bounds the number of distinct prepared statements
    for (size_t i = 0; i < confirmed.size(); i += kChunk) {
      std::vector<Session::Param> ids(confirmed.begin() + i,
                                      confirmed.begin() + std::min(confirmed.size(), i + kChunk));
      ctx.db().autocommit([&](Session& s) {
        s.exec_list("UPDATE outbox SET published_at = NOW(3) WHERE published_at IS NULL AND "
                    "event_id IN (" + placeholders(ids.size()) + ")",
                    ids);
      });
    }
  } catch (const std::exception& ex) {
    // The rows stay unpublished; the relay will send them (a duplicate at worst).
    log(LogLevel::kWarn, "publish after commit failed", {{"error", ex.what()}});
  }
}

}  // namespace cinema
