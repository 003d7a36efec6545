#include <vector>

#include "cinema/booking.h"
#include "cinema/booking_verbs.h"
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
    // Confirmed, released or extended meanwhile: end_hold leaves it be. An
    // unclaimed waiting-list offer ends with its hold; the seats pass on.
    auto ended = ctx.bookings().transaction(
        [&](BookingTx& tx) { return end_hold(tx, hold_id, HoldEnd::kExpired); });
    if (ended) after_seat_change(ctx, show_id, {*ended});
    ++swept;
  }
  return swept;
}

}  // namespace cinema::worker
