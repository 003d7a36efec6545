#include <vector>

#include "cinema/booking.h"
#include "cinema/json.h"
#include "tasks.h"

namespace cinema::worker {

int64_t sweep_expired_holds(Context& ctx, Deadline deadline) {
  std::vector<std::pair<int64_t, int64_t>> expired = ctx.db().autocommit([&](Session& s) {
    Rows rs = s.query(
        "SELECT id, show_id FROM holds WHERE status = 'ACTIVE' AND expires_at <= NOW(3) "
        "ORDER BY expires_at LIMIT 1000");
    std::vector<std::pair<int64_t, int64_t>> out;
    while (rs->next()) out.emplace_back(rs->getInt64("id"), rs->getInt64("show_id"));
    return out;
  });
  int64_t swept = 0;
  for (const auto& [hold_id, show_id] : expired) {
    if (should_stop(deadline)) break;
    auto events = ctx.db().transaction([&](Session& s) {
      std::vector<OutboxEvent> out;
      Rows h = s.query(
          "SELECT user_id, source FROM holds WHERE id = ? AND status = 'ACTIVE' AND "
          "expires_at <= NOW(3) FOR UPDATE",
          hold_id);
      if (!h->next()) return out;  // confirmed or released meanwhile
      int64_t user_id = h->getInt64("user_id");
      Rows seats =
          s.query("SELECT seat_id FROM show_seats WHERE hold_id = ? AND status = 'HELD' FOR UPDATE",
                  hold_id);
      std::vector<int64_t> ids;
      while (seats->next()) ids.push_back(seats->getInt64("seat_id"));
      s.exec("UPDATE holds SET status = 'EXPIRED' WHERE id = ?", hold_id);
      s.exec(
          "UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL "
          "WHERE hold_id = ? AND status = 'HELD'",
          hold_id);
      // An unclaimed waiting-list offer ends with its hold; the seats pass on.
      s.exec(
          "UPDATE waitlist_entries SET status = 'EXPIRED', payment_token = NULL WHERE hold_id = ? "
          "AND status = 'OFFERED'",
          hold_id);
      if (!ids.empty()) {
        JsonWriter d;
        d.begin_object()
            .field("show_id", show_id)
            .field("hold_id", hold_id)
            .field("user_id", user_id)
            .key("seat_ids")
            .raw(id_array(ids))
            .field("reason", "expired")
            .end_object();
        out.push_back(write_event(s, ctx, "seat.released", "show", show_id, d.str()));
      }
      return out;
    });
    after_seat_change(ctx, show_id, events);
    ++swept;
  }
  return swept;
}

}  // namespace cinema::worker
