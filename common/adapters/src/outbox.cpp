#include "cinema/outbox.h"

#include "cinema/clock.h"
#include "cinema/crypto.h"
#include "cinema/json.h"

namespace cinema {

std::string uuid_v4() {
  std::string h = random_hex(16);
  h[12] = '4';
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

OutboxEvent write_event(Session& s, Context& ctx, const std::string& type,
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
      "payload, actor_id, actor_role, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      e.event_id, type, type, aggregate_type, aggregate_id, e.body,
      ctx.actor_id > 0 ? std::optional<int64_t>(ctx.actor_id) : std::nullopt,
      ctx.actor_id > 0 ? ctx.actor_role : std::string("SYSTEM"),
      ctx.request_id.empty() ? std::nullopt : std::optional<std::string>(ctx.request_id));
  return e;
}

}  // namespace cinema
