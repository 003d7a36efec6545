#include "show-cancel.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "cinema/booking.h"
#include "cinema/booking_verbs.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/mariadb_booking_store.h"
#include "cinema/ownership.h"
#include "cinema/refunds.h"
#include "cinema/validate.h"

namespace cinema::show_cancel {
namespace {

// Refunds asked of the provider within the request; the worker takes the rest.
constexpr int64_t kRefundsInRequest = 50;

struct Figures {
  std::string reason;
  int64_t cancelled_reservations = 0;
  int64_t refunded_cents = 0;
  std::string currency;
  int64_t released_holds = 0;
  int64_t closed_waitlist_entries = 0;
};

struct Cancelled {
  Figures figures;
  std::vector<OutboxEvent> events;  // empty on a repeat
};

Figures recorded(Session& s, int64_t show_id) {
  Rows rs = s.query(
      "SELECT reason, cancelled_reservations, refunded_cents, currency, released_holds, "
      "closed_waitlist_entries FROM show_cancellations WHERE show_id = ?",
      show_id);
  Figures f;
  if (!rs->next()) return f;  // cancelled some other way (by SQL): nothing recorded
  f.reason = get_string(*rs, "reason");
  f.cancelled_reservations = rs->getInt64("cancelled_reservations");
  f.refunded_cents = rs->getInt64("refunded_cents");
  f.currency = get_string(*rs, "currency");
  f.released_holds = rs->getInt64("released_holds");
  f.closed_waitlist_entries = rs->getInt64("closed_waitlist_entries");
  return f;
}

std::vector<std::pair<int64_t, int64_t>> id_pairs(Rows rs) {
  std::vector<std::pair<int64_t, int64_t>> out;
  while (rs->next()) out.emplace_back(rs->getInt64(1), rs->getInt64(2));
  return out;
}

StatusOr<Cancelled> cancel_show(Context& ctx, const AuthUser& actor, int64_t show_id,
                                const std::string& reason) {
  return ctx.db().transaction([&](Session& s) -> StatusOr<Cancelled> {
    CINEMA_ASSIGN_OR_RETURN(Ownership own, find_ownership(s, Owned::kShow, show_id, true));
    // Another owner's show does not exist for them.
    if (actor.role != "ADMIN" && own.owner_id != actor.id) return not_found("No such show");
    Rows sh = s.query(
        "SELECT status, ends_at <= NOW() AS ended, currency FROM shows WHERE id = ? FOR UPDATE",
        show_id);
    if (!sh->next()) return not_found("No such show");
    Cancelled out;
    if (get_string(*sh, "status") == "CANCELLED") {
      out.figures = recorded(s, show_id);
      return out;
    }
    if (sh->getInt("ended") == 1) return conflict("The show has already ended");
    Figures& f = out.figures;
    f.reason = reason;
    f.currency = get_string(*sh, "currency");
    const std::string why = "show cancelled: " + reason;

    s.exec("UPDATE shows SET status = 'CANCELLED', seat_version = seat_version + 1 WHERE id = ?",
           show_id);
    auto entries = id_pairs(s.query(
        "SELECT id, user_id FROM waitlist_entries WHERE show_id = ? AND status IN ('WAITING', "
        "'OFFERED') FOR UPDATE",
        show_id));
    // Every hold and booking ends through the booking verbs, with their events.
    MariaBookingTx tx(s, ctx);
    ShowEnded ended = end_show_bookings(tx, show_id, actor.id, why);
    f.released_holds = ended.released_holds;
    f.cancelled_reservations = ended.cancelled_reservations;
    f.refunded_cents = ended.refunded_cents;
    out.events = std::move(ended.events);
    for (const auto& [entry_id, user_id] : entries) {
      s.exec("UPDATE waitlist_entries SET status = 'CANCELLED' WHERE id = ?", entry_id);
      JsonWriter d;
      d.begin_object()
          .field("entry_id", entry_id)
          .field("show_id", show_id)
          .field("user_id", user_id)
          .field("reason", why)
          .end_object();
      out.events.push_back(
          write_event(s, ctx, "waitlist.cancelled", "waitlist_entry", entry_id, d.str()));
    }
    f.closed_waitlist_entries = static_cast<int64_t>(entries.size());
    s.exec(
        "INSERT INTO show_cancellations (show_id, reason, cancelled_by, cancelled_reservations, "
        "refunded_cents, currency, released_holds, closed_waitlist_entries) VALUES (?, ?, ?, ?, "
        "?, ?, ?, ?)",
        show_id, reason, actor.id, f.cancelled_reservations, f.refunded_cents, f.currency,
        f.released_holds, f.closed_waitlist_entries);
    JsonWriter d;
    d.begin_object()
        .field("show_id", show_id)
        .field("status", "CANCELLED")
        .field("reason", reason)
        .field("cancelled_by", actor.id)
        .field("cancelled_reservations", f.cancelled_reservations)
        .field("refunded_cents", f.refunded_cents)
        .field("currency", f.currency)
        .field("released_holds", f.released_holds)
        .field("closed_waitlist_entries", f.closed_waitlist_entries)
        .end_object();
    // First, so the live message leads with it.
    out.events.insert(out.events.begin(),
                      write_event(s, ctx, "show.cancelled", "show", show_id, d.str()));
    return out;
  });
}

// Test hook: the integration tests run this binary with
// CINEMA_TEST_FAULT=show-cancel-after-commit to die between the commit and
// the refunds, as a crash would. Nothing else sets it.
void crash_here_if_asked() {
  const char* fault = std::getenv("CINEMA_TEST_FAULT");
  if (fault != nullptr && std::strcmp(fault, "show-cancel-after-commit") == 0) {
    log(LogLevel::kWarn, "test fault: exiting after the commit");
    _exit(75);
  }
}

Response handle_cancel(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const Caller c, caller_on(req, ctx, {"OWNER", "ADMIN"}));
  auto body = read_json(req, {"reason"});
  CINEMA_RETURN_IF_ERROR(body);
  auto reason = read_text(*body, "reason", true, 1, 500);
  CINEMA_RETURN_IF_ERROR(body->finish());
  CINEMA_ASSIGN_OR_RETURN(Cancelled out, cancel_show(ctx, c.user, c.id, *reason));
  crash_here_if_asked();
  if (!out.events.empty()) after_seat_change(ctx, c.id, out.events);
  // This call's refunds, or those a crashed or cut-short earlier call left.
  settle_pending_refunds(ctx, c.id, kRefundsInRequest);
  int64_t pending = ctx.db().autocommit([&](Session& s) {
    Rows rs = s.query(
        "SELECT COUNT(*) FROM payment_refunds WHERE show_id = ? AND status = 'PENDING'", c.id);
    rs->next();
    return rs->getInt64(1);
  });
  const Figures& f = out.figures;
  JsonWriter w;
  w.begin_object()
      .field("show_id", c.id)
      .field("status", "CANCELLED")
      .field("reason", f.reason)
      .field("cancelled_reservations", f.cancelled_reservations)
      .field("refunded_cents", f.refunded_cents)
      .field("currency", f.currency)
      .field("released_holds", f.released_holds)
      .field("closed_waitlist_entries", f.closed_waitlist_entries)
      .field("refunds_pending", pending)
      .end_object();
  return Response::json(200, w.str()).with_header("Cache-Control", "no-store");
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/shows/{id}/cancel", handle_cancel},
  };
  return r;
}

}  // namespace cinema::show_cancel
