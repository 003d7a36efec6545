#include "cinema/booking.h"

#include <map>

#include "cinema/cache.h"
#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/log.h"

namespace cinema {

StatusOr<ShowInfo> load_bookable_show(Session& s, int64_t show_id) {
  Rows rs = s.query(
      "SELECT id, hall_id, status, starts_at <= NOW() AS started, currency, seat_version "
      "FROM shows WHERE id = ?",
      show_id);
  if (!rs->next()) return not_found("No such show");
  ShowInfo info{rs->getInt64("id"),          rs->getInt64("hall_id"),
                get_string(*rs, "status"),   rs->getInt("started") == 1,
                get_string(*rs, "currency"), rs->getInt64("seat_version")};
  if (info.status != "SCHEDULED") return conflict("The show has been cancelled");
  if (info.started) return conflict("The show has already started");
  return info;
}

std::vector<SeatCell> load_seat_cells(Session& s, int64_t show_id, PickRequest& pick) {
  Rows hall = s.query(
      "SELECT h.rows_count, h.cols_count FROM shows sh JOIN halls h ON h.id = sh.hall_id "
      "WHERE sh.id = ?",
      show_id);
  if (hall->next()) {
    pick.rows = hall->getInt("rows_count");
    pick.cols = hall->getInt("cols_count");
  }
  Rows rs = s.query(
      "SELECT ss.seat_id, se.grid_row, se.grid_col, se.seat_type, (ss.status = 'FREE' OR "
      "(ss.status = 'HELD' AND ss.held_until <= NOW(3))) AS free FROM show_seats ss "
      "JOIN seats se ON se.id = ss.seat_id WHERE ss.show_id = ?",
      show_id);
  std::vector<SeatCell> cells;
  while (rs->next()) {
    cells.push_back({rs->getInt64("seat_id"), rs->getInt("grid_row"), rs->getInt("grid_col"),
                     get_string(*rs, "seat_type"), rs->getInt("free") == 1});
  }
  return cells;
}

void after_seat_change(Context& ctx, int64_t show_id, const std::vector<OutboxEvent>& events) {
  try {
    SeatMapCache(ctx.redis()).bump(show_id);
  } catch (const std::exception& e) {
    log(LogLevel::kWarn, "seat map version bump failed", {{"error", e.what()}});
  }
  // The version bump above must precede the answer (no stale map after a
  // writer returns); the live hint need not. The broker gets the events from
  // the worker's relay (cinema/outbox.h).
  ctx.after_response([&ctx, show_id, events] { ctx.live().publish(show_id, events); });
}

StatusOr<int64_t> my_hold_on_show(Session& s, int64_t user_id, int64_t show_id) {
  Rows rs = s.query(
      "SELECT id, status, expires_at <= NOW(3) AS expired FROM holds WHERE show_id = ? AND "
      "user_id = ? ORDER BY status = 'ACTIVE' DESC, id DESC LIMIT 1",
      show_id, user_id);
  if (!rs->next()) return not_found("You have no hold on this show");
  const std::string status = get_string(*rs, "status");
  if (status == "EXPIRED" || (status == "ACTIVE" && rs->getInt("expired") == 1)) {
    return gone("Your hold on this show has expired; hold the seats again");
  }
  if (status != "ACTIVE") return not_found("You have no active hold on this show");
  return rs->getInt64("id");
}

StatusOr<CancelResult> cancel_reservation(Context& ctx, const AuthUser& actor,
                                          int64_t reservation_id,
                                          bool (*allowed)(const AuthUser&, const ReservationRef&)) {
  return ctx.bookings().transaction([&](BookingTx& tx) -> StatusOr<CancelResult> {
    auto r = tx.lock_reservation(reservation_id);
    if (!r || !allowed(actor, {r->user_id, r->owner_id})) return not_found("No such reservation");
    if (r->status != "CONFIRMED") return conflict("The reservation is already cancelled");
    if (r->started) return conflict("The show has already started");
    Cancelled c = cancel_booking(
        tx, *r, actor.id,
        actor.id == r->user_id ? "cancelled by the customer" : "cancelled by the cinema",
        CancelScope::kOneBooking);
    CancelResult out;
    out.show_id = r->show_id;
    out.refund = c.refund;
    out.events = std::move(c.events);
    out.body = tx.reservation_json(reservation_id, true);
    return out;
  });
}

Response cancel_reservation_response(Context& ctx, const AuthUser& actor, int64_t reservation_id,
                                     bool (*allowed)(const AuthUser&, const ReservationRef&)) {
  auto result = cancel_reservation(ctx, actor, reservation_id, allowed);
  CINEMA_RETURN_IF_ERROR(result);
  after_seat_change(ctx, result->show_id, result->events);
  std::string body = result->body;
  if (result->refund.refund_id != 0) {
    settle_refund(ctx, result->refund.refund_id);
    try {
      body = ctx.db()
                 .autocommit([&](Session& s) { return reservation_json(s, reservation_id, true); })
                 .value_or(body);
    } catch (const std::exception& e) {
      log(LogLevel::kWarn, "reservation re-read failed", {{"error", e.what()}});
    }
  }
  return Response::json(200, body);
}

}  // namespace cinema
