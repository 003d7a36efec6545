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

std::string id_array(const std::vector<int64_t>& ids) {
  JsonWriter w;
  w.begin_array();
  for (int64_t id : ids) w.value(id);
  w.end_array();
  return w.str();
}

std::vector<std::string> reservations_json(Session& s, const std::vector<int64_t>& ids) {
  std::vector<std::string> out;
  if (ids.empty()) return out;
  const std::string list = id_array(ids);
  // Two queries whatever the count: the reservations, then all their seats.
  struct SeatList {
    std::vector<int64_t> ids;
    JsonWriter json;
  };
  std::map<int64_t, SeatList> seats;
  Rows rs = s.query(
      "SELECT rs.reservation_id, rs.seat_id, se.row_label, se.number, rs.price_cents "
      "FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j "
      "JOIN reservation_seats rs ON rs.reservation_id = j.id JOIN seats se ON se.id = rs.seat_id "
      "ORDER BY rs.reservation_id, rs.seat_id",
      list);
  while (rs->next()) {
    SeatList& l = seats[rs->getInt64("reservation_id")];
    if (l.ids.empty()) l.json.begin_array();
    l.ids.push_back(rs->getInt64("seat_id"));
    l.json.begin_object()
        .field("seat_id", rs->getInt64("seat_id"))
        .field("row", get_string(*rs, "row_label"))
        .field("number", rs->getInt64("number"))
        .field("price_cents", rs->getInt64("price_cents"))
        .end_object();
  }
  Rows r = s.query(
      "SELECT r.id, r.show_id, r.user_id, r.status, r.source, r.total_cents, r.currency, "
      "r.created_at, r.cancelled_at FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, id BIGINT "
      "PATH '$')) j JOIN reservations r ON r.id = j.id ORDER BY j.n",
      list);
  while (r->next()) {
    const int64_t id = r->getInt64("id");
    auto it = seats.find(id);
    std::string seat_list = "[]";
    std::vector<int64_t> seat_ids;
    if (it != seats.end()) {
      it->second.json.end_array();
      seat_list = it->second.json.str();
      seat_ids = it->second.ids;
    }
    auto cancelled = opt_string(*r, "cancelled_at");
    JsonWriter w;
    w.begin_object()
        .field("id", id)
        .field("reservation_id", id)
        .field("show_id", r->getInt64("show_id"))
        .field("user_id", r->getInt64("user_id"))
        .field("status", get_string(*r, "status"))
        .field("source", get_string(*r, "source"))
        .key("seat_ids")
        .raw(id_array(seat_ids))
        .key("seats")
        .raw(seat_list)
        .field("total_cents", r->getInt64("total_cents"))
        .field("currency", get_string(*r, "currency"))
        .field("created_at", sql_time_to_rfc3339(get_string(*r, "created_at")));
    if (cancelled)
      w.field("cancelled_at", sql_time_to_rfc3339(*cancelled));
    else
      w.null_field("cancelled_at");
    w.end_object();
    out.push_back(w.str());
  }
  return out;
}

std::optional<std::string> reservation_json(Session& s, int64_t reservation_id, bool with_payment) {
  auto one = reservations_json(s, {reservation_id});
  if (one.empty()) return std::nullopt;
  std::string out = std::move(one.front());
  if (with_payment) {
    out.pop_back();  // '}'
    out += ",\"payment\":" + payment_json(s, reservation_id) + "}";
  }
  return out;
}

StatusOr<CancelResult> cancel_reservation(Context& ctx, const AuthUser& actor,
                                          int64_t reservation_id,
                                          bool (*allowed)(const AuthUser&, const ReservationRef&)) {
  return ctx.db().transaction([&](Session& s) -> StatusOr<CancelResult> {
    Rows r = s.query(
        "SELECT r.user_id, r.status, r.show_id, c.owner_id, sh.starts_at <= NOW() AS started "
        "FROM reservations r JOIN shows sh ON sh.id = r.show_id JOIN halls h ON h.id = sh.hall_id "
        "JOIN cinemas c ON c.id = h.cinema_id WHERE r.id = ? FOR UPDATE",
        reservation_id);
    if (!r->next()) return not_found("No such reservation");
    ReservationRef ref{r->getInt64("user_id"), r->getInt64("owner_id")};
    if (!allowed(actor, ref)) return not_found("No such reservation");
    int64_t show_id = r->getInt64("show_id");
    if (get_string(*r, "status") != "CONFIRMED") {
      return conflict("The reservation is already cancelled");
    }
    if (r->getInt("started") == 1) return conflict("The show has already started");
    CancelledSeats cancelled = cancel_confirmed(
        s, show_id, reservation_id, actor.id,
        actor.id == ref.user_id ? "cancelled by the customer" : "cancelled by the cinema");
    const std::vector<int64_t>& seat_ids = cancelled.seat_ids;
    CancelResult out;
    out.show_id = show_id;
    out.refund = cancelled.refund;
    out.body = *reservation_json(s, reservation_id, true);
    JsonWriter data;
    data.begin_object()
        .field("show_id", show_id)
        .field("reservation_id", reservation_id)
        .field("user_id", ref.user_id)
        .field("cancelled_by", actor.id)
        .key("seat_ids")
        .raw(id_array(seat_ids))
        .field("refund_cents", cancelled.refund.amount_cents)
        .end_object();
    out.events.push_back(write_event(s, ctx, "seat.released", "show", show_id, data.str()));
    out.events.push_back(
        write_event(s, ctx, "booking.cancelled", "reservation", reservation_id, data.str()));
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

CancelledSeats cancel_confirmed(Session& s, int64_t show_id, int64_t reservation_id,
                                int64_t actor_id, const std::string& reason) {
  CancelledSeats out;
  Rows seat_rows =
      s.query("SELECT seat_id FROM reservation_seats WHERE reservation_id = ? AND active = 1",
              reservation_id);
  while (seat_rows->next()) out.seat_ids.push_back(seat_rows->getInt64("seat_id"));
  s.exec(
      "UPDATE show_seats SET status = 'FREE', reservation_id = NULL, hold_id = NULL, "
      "held_until = NULL WHERE show_id = ? AND reservation_id = ? AND status = 'RESERVED'",
      show_id, reservation_id);
  s.exec("UPDATE reservation_seats SET active = NULL WHERE reservation_id = ?", reservation_id);
  s.exec(
      "UPDATE reservations SET status = 'CANCELLED', cancelled_at = NOW(3), cancelled_by = ?, "
      "cancel_reason = ? WHERE id = ?",
      actor_id, reason.substr(0, 500), reservation_id);
  out.refund = record_refund(s, reservation_id, show_id, reason);
  return out;
}

}  // namespace cinema
