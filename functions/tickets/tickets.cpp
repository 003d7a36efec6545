#include "tickets.h"

#include "cinema/auth.h"
#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/outbox.h"
#include "cinema/validate.h"
#include "ticket_code.h"

namespace cinema::tickets {
namespace {

Status require_secret(const Context& ctx) {
  if (ctx.config().ticket_secret.empty()) {
    return service_unavailable("Tickets are not available: CINEMA_TICKET_SECRET is not set");
  }
  return Status();
}

// Who may see a reservation's tickets: its customer, the owner of the show's
// cinema, admins.
bool may_see(const AuthUser& u, int64_t customer_id, int64_t owner_id) {
  return u.role == "ADMIN" || u.id == customer_id || (u.role == "OWNER" && u.id == owner_id);
}

// Who may let a ticket in: the owner of the show's cinema, admins.
bool may_check_in(const AuthUser& u, int64_t owner_id) {
  return u.role == "ADMIN" || (u.role == "OWNER" && u.id == owner_id);
}

std::string ticket_status(bool cancelled, bool used) {
  if (cancelled) return "CANCELLED";
  return used ? "USED" : "VALID";
}

Response list(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const Caller c, caller_on(req, ctx));
  CINEMA_RETURN_IF_ERROR(require_secret(ctx));
  const std::string& secret = ctx.config().ticket_secret;
  auto body = ctx.db().autocommit([&](Session& s) -> std::optional<std::string> {
    Rows r = s.query(
        "SELECT r.user_id, r.show_id, r.status, c.owner_id FROM reservations r "
        "JOIN shows sh ON sh.id = r.show_id JOIN halls h ON h.id = sh.hall_id "
        "JOIN cinemas c ON c.id = h.cinema_id WHERE r.id = ?",
        c.id);
    if (!r->next()) return std::nullopt;
    if (!may_see(c.user, r->getInt64("user_id"), r->getInt64("owner_id"))) {
      return std::nullopt;  // 404: do not reveal that it exists
    }
    const int64_t show_id = r->getInt64("show_id");
    const bool reservation_cancelled = get_string(*r, "status") == "CANCELLED";
    Rows rs = s.query(
        "SELECT rs.ticket_id, rs.seat_id, rs.active, se.row_label, se.number, tc.checked_in_at "
        "FROM reservation_seats rs JOIN seats se ON se.id = rs.seat_id "
        "LEFT JOIN ticket_checkins tc ON tc.ticket_id = rs.ticket_id "
        "WHERE rs.reservation_id = ? ORDER BY se.grid_row, se.grid_col, rs.seat_id",
        c.id);
    JsonWriter w;
    w.begin_object()
        .field("reservation_id", c.id)
        .field("show_id", show_id)
        .key("items")
        .begin_array();
    while (rs->next()) {
      TicketRef t{rs->getInt64("ticket_id"), c.id, show_id, rs->getInt64("seat_id")};
      auto used_at = opt_string(*rs, "checked_in_at");
      bool cancelled = reservation_cancelled || rs->isNull("active");
      w.begin_object()
          .field("ticket_id", t.ticket_id)
          .field("seat_id", t.seat_id)
          .field("row", get_string(*rs, "row_label"))
          .field("number", rs->getInt64("number"))
          .field("code", sign_ticket(secret, t))
          .field("status", ticket_status(cancelled, used_at.has_value()));
      if (used_at) {
        w.field("used_at", sql_time_to_rfc3339(*used_at));
      } else {
        w.null_field("used_at");
      }
      w.end_object();
    }
    w.end_array().end_object();
    return w.str();
  });
  if (!body) return Response::problem(not_found("No such reservation"));
  return Response::json(200, *body).with_header("Cache-Control", "no-store");
}

Problem already_used(const std::string& first_scanned_at) {
  Problem p = conflict("This ticket was already scanned at " + first_scanned_at);
  p.type = "/problems/ticket-already-used";
  p.title = "Ticket already used";
  JsonWriter at;
  at.value(first_scanned_at);
  p.with_extension("first_scanned_at", at.str());
  return p;
}

Problem cancelled_ticket() {
  Problem p = conflict("This ticket's reservation was cancelled; it does not admit anyone");
  p.type = "/problems/ticket-cancelled";
  p.title = "Ticket cancelled";
  return p;
}

// The check-in's answer, with its ticket.checked_in event (the audit record).
StatusOr<std::string> check_in(Session& s, Context& ctx, const AuthUser& user, const TicketRef& t) {
  Rows r = s.query(
      "SELECT r.user_id, se.row_label, se.number, sh.title, sh.starts_at, c.owner_id "
      "FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id "
      "JOIN seats se ON se.id = rs.seat_id JOIN shows sh ON sh.id = rs.show_id "
      "JOIN halls h ON h.id = sh.hall_id JOIN cinemas c ON c.id = h.cinema_id "
      "WHERE rs.ticket_id = ? AND rs.reservation_id = ? AND rs.show_id = ? AND rs.seat_id = ?",
      t.ticket_id, t.reservation_id, t.show_id, t.seat_id);
  // Another owner's ticket is as unknown as a missing one.
  if (!r->next() || !may_check_in(user, r->getInt64("owner_id"))) {
    return not_found("No such ticket");
  }
  // A cancellation locks its reservation first (cinema/booking.h): with the
  // reservation locked, one in flight has finished, or waits for this check-in.
  Rows state =
      s.query("SELECT status FROM reservations WHERE id = ? LOCK IN SHARE MODE", t.reservation_id);
  Rows seat = s.query("SELECT active FROM reservation_seats WHERE ticket_id = ?", t.ticket_id);
  if (!state->next() || !seat->next() || get_string(*state, "status") == "CANCELLED" ||
      seat->isNull("active")) {
    return cancelled_ticket();
  }
  // The primary key lets one scan in; a concurrent one waits for it, then
  // inserts nothing and reads when the first happened.
  int64_t inserted = s.exec(
      "INSERT IGNORE INTO ticket_checkins (ticket_id, reservation_id, show_id, seat_id, "
      "checked_in_by) VALUES (?, ?, ?, ?, ?)",
      t.ticket_id, t.reservation_id, t.show_id, t.seat_id, user.id);
  Rows at = s.query("SELECT checked_in_at FROM ticket_checkins WHERE ticket_id = ?", t.ticket_id);
  if (!at->next()) return internal_error();
  const std::string checked_in_at = sql_time_to_rfc3339(get_string(*at, "checked_in_at"));
  if (inserted == 0) return already_used(checked_in_at);

  const std::string row = get_string(*r, "row_label");
  const int64_t number = r->getInt64("number");
  JsonWriter w;
  w.begin_object()
      .key("ticket")
      .begin_object()
      .field("ticket_id", t.ticket_id)
      .field("reservation_id", t.reservation_id)
      .field("seat_id", t.seat_id)
      .field("row", row)
      .field("number", number)
      .field("status", "USED")
      .field("used_at", checked_in_at)
      .end_object()
      .key("show")
      .begin_object()
      .field("id", t.show_id)
      .field("title", get_string(*r, "title"))
      .field("starts_at", sql_time_to_rfc3339(get_string(*r, "starts_at")))
      .end_object()
      .key("seat")
      .begin_object()
      .field("id", t.seat_id)
      .field("row", row)
      .field("number", number)
      .end_object()
      .field("checked_in_at", checked_in_at)
      .end_object();
  JsonWriter d;
  d.begin_object()
      .field("ticket_id", t.ticket_id)
      .field("reservation_id", t.reservation_id)
      .field("show_id", t.show_id)
      .field("seat_id", t.seat_id)
      .field("user_id", r->getInt64("user_id"))
      .field("checked_in_by", user.id)
      .field("checked_in_at", checked_in_at)
      .end_object();
  write_event(s, ctx, "ticket.checked_in", "ticket", t.ticket_id, d.str());
  return w.str();
}

Response checkin(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const AuthUser user, authenticate(req, ctx));
  CINEMA_RETURN_IF_ERROR(require_role(user, {"OWNER", "ADMIN"}));
  auto body = read_json(req, {"code"});
  CINEMA_RETURN_IF_ERROR(body);
  auto code = body->string("code", true, 1, kMaxCodeLength);
  CINEMA_RETURN_IF_ERROR(body->finish());
  CINEMA_RETURN_IF_ERROR(require_secret(ctx));
  VerifiedCode v = verify_ticket(ctx.config().ticket_secret, *code);
  if (v.check == CodeCheck::kMalformed) {
    return Response::problem(
        bad_request("This is not a ticket code", {{"code", "is not a ticket code"}}));
  }
  // A code we did not sign names no ticket, whatever ids it spells.
  if (v.check == CodeCheck::kForged) return Response::problem(not_found("No such ticket"));
  auto done = ctx.db().transaction(
      [&](Session& s) -> StatusOr<std::string> { return check_in(s, ctx, user, v.ref); });
  CINEMA_RETURN_IF_ERROR(done);
  return Response::json(200, *done).with_header("Cache-Control", "no-store");
}

}  // namespace

const Router& router() {
  static const Router r{
      {"GET", "/v1/reservations/{id}/tickets", list},
      {"POST", "/v1/checkin", checkin},
  };
  return r;
}

}  // namespace cinema::tickets
