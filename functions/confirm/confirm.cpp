#include "confirm.h"

#include "cinema/booking.h"
#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/payment.h"
#include "cinema/validate.h"

namespace cinema::confirm {
namespace {

// A confirm's answer: the reservation, or the replay of an earlier answer to
// the same Idempotency-Key. Refusals are the StatusOr's problem.
struct Confirmed {
  int status = 201;
  std::string body;
  std::vector<OutboxEvent> events;
};

std::optional<StatusOr<Confirmed>> replay(Session& s, int64_t user_id, const std::string& key,
                                          const std::string& request_hash) {
  Rows rs = s.query(
      "SELECT request_hash, status_code, response_body FROM idempotency_keys "
      "WHERE user_id = ? AND endpoint = 'confirm' AND idem_key = ?",
      user_id, key);
  if (!rs->next()) return std::nullopt;
  if (get_string(*rs, "request_hash") != request_hash) {
    return unprocessable("This Idempotency-Key was used with a different request");
  }
  Confirmed o;
  o.status = rs->getInt("status_code");
  o.body = get_string(*rs, "response_body");
  return o;
}

Problem payment_declined(const std::string& reason) {
  Problem p;
  p.status = 402;
  p.type = "/problems/payment-declined";
  p.title = "Payment declined";
  p.detail = reason + "; the hold is kept until it expires";
  return p;
}

// What the hold asks to be paid, when it can still be confirmed, and its
// payment so far (one read); otherwise the transaction below gives the right
// answer without any payment.
struct Due {
  int64_t total_cents = 0;
  std::string currency;
  std::string payment_status;  // "" when nothing was asked of the provider yet
  std::string payment_ref;
  int64_t attempt = 0;
};

std::optional<Due> amount_due(Session& s, const AuthUser& user, int64_t show_id, int64_t hold_id) {
  Rows h = s.query(
      "SELECT h.total_cents, h.currency, p.status, p.provider_ref, p.attempt FROM holds h "
      "LEFT JOIN payments p ON p.hold_id = h.id WHERE h.id = ? AND h.show_id = ? AND "
      "h.user_id = ? AND h.status = 'ACTIVE' AND h.expires_at > NOW(3)",
      hold_id, show_id, user.id);
  if (!h->next()) return std::nullopt;
  return Due{h->getInt64(1), get_string(*h, "currency"), opt_string(*h, "status").value_or(""),
             opt_string(*h, "provider_ref").value_or(""), h->isNull(5) ? 0 : h->getInt64(5)};
}

// Authorizes the hold's amount once (keyed by the hold), recording the step.
// A retried confirm reuses an authorization an earlier attempt obtained.
StatusOr<std::string> authorize(Context& ctx, const AuthUser& user, int64_t hold_id, const Due& due,
                                const std::string& token) {
  if (due.payment_status == "AUTHORIZED" || due.payment_status == "CAPTURED") {
    return due.payment_ref;
  }
  // A declined or voided authorization is followed by a new one, under a new key.
  const int64_t attempt = due.attempt + 1;
  Authorization auth =
      ctx.payments().authorize({user.id, hold_id, due.total_cents, due.currency, token},
                               payment_key_for_hold(hold_id, attempt));
  if (auth.unavailable) {
    // Nothing recorded: a retry asks again under the same key, and a
    // provider that did authorize meanwhile answers that authorization.
    Problem p = service_unavailable("The payment provider is unavailable; retry shortly");
    p.type = "/problems/payment-unavailable";
    p.headers.clear();
    p.headers.emplace_back("Retry-After", "5");
    return p;
  }
  ctx.db().autocommit([&](Session& s) {
    // Never over an authorization a concurrent confirm recorded meanwhile.
    s.exec(
        "INSERT INTO payments (hold_id, user_id, amount_cents, currency, provider_ref, status, "
        "reason, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
        "provider_ref = IF(status IN ('DECLINED', 'VOIDED'), VALUES(provider_ref), provider_ref), "
        "reason = IF(status IN ('DECLINED', 'VOIDED'), VALUES(reason), reason), "
        "attempt = IF(status IN ('DECLINED', 'VOIDED'), VALUES(attempt), attempt), "
        "status = IF(status IN ('DECLINED', 'VOIDED'), VALUES(status), status)",
        hold_id, user.id, due.total_cents, due.currency,
        auth.approved ? std::optional<std::string>(auth.reference) : std::nullopt,
        std::string(auth.approved ? "AUTHORIZED" : "DECLINED"),
        auth.approved ? std::optional<std::string>() : std::optional<std::string>(auth.reason),
        attempt);
  });
  if (!auth.approved) return payment_declined(auth.reason);
  return auth.reference;
}

// After the transaction: capture what a new reservation uses, void what no
// reservation uses. A provider that cannot be reached leaves the row
// AUTHORIZED for the worker's settle_payments to finish.
void settle(Context& ctx, int64_t hold_id, const std::string& reference, bool reserved) {
  try {
    if (reserved) {
      if (ctx.payments().capture(reference)) {
        ctx.db().autocommit([&](Session& s) {
          s.exec(
              "UPDATE payments SET status = 'CAPTURED' WHERE hold_id = ? AND status = "
              "'AUTHORIZED' AND reservation_id IS NOT NULL",
              hold_id);
        });
      }
      return;
    }
    // Only an authorization no reservation took: a concurrent confirm of the
    // same hold may have committed with it.
    int64_t voided = ctx.db().autocommit([&](Session& s) {
      return s.exec(
          "UPDATE payments SET status = 'VOIDED' WHERE hold_id = ? AND status = "
          "'AUTHORIZED' AND reservation_id IS NULL",
          hold_id);
    });
    if (voided == 1) ctx.payments().void_authorization(reference);
  } catch (const std::exception& e) {
    log(LogLevel::kWarn, "payment settlement left to the worker",
        {{"hold_id", hold_id}, {"error", e.what()}});
  }
}

StatusOr<Confirmed> confirm_hold(Context& ctx, const AuthUser& user, int64_t show_id,
                                 int64_t hold_id, const std::optional<std::string>& payment_ref,
                                 const std::string& idem_key, const std::string& request_hash) {
  return ctx.db().transaction([&](Session& s) -> StatusOr<Confirmed> {
    if (!idem_key.empty()) {
      if (auto earlier = replay(s, user.id, idem_key, request_hash)) return *earlier;
    }
    Rows h = s.query(
        "SELECT status, expires_at <= NOW(3) AS expired, total_cents, currency FROM holds "
        "WHERE id = ? AND show_id = ? AND user_id = ? FOR UPDATE",
        hold_id, show_id, user.id);
    if (!h->next()) return not_found("No such hold");
    std::string status = get_string(*h, "status");
    if (status == "CONFIRMED") {
      Rows r = s.query("SELECT id FROM reservations WHERE hold_id = ?", hold_id);
      if (!r->next()) return conflict("The hold was confirmed but its reservation is gone");
      Confirmed o;
      o.status = 200;
      o.body = *reservation_json(s, r->getInt64("id"));
      return o;
    }
    if (status == "RELEASED") return conflict("The hold was released");
    if (status == "EXPIRED") return gone("The hold has expired");
    Rows seats = s.query(
        "SELECT COUNT(*) AS n, COALESCE(SUM(status = 'HELD'), 0) AS held FROM show_seats "
        "WHERE hold_id = ?",
        hold_id);
    seats->next();
    int64_t held = seats->getInt64("held");
    if (h->getInt("expired") == 1) {
      // Expired: tidy up now rather than wait for the sweeper.
      s.exec("UPDATE holds SET status = 'EXPIRED' WHERE id = ?", hold_id);
      s.exec(
          "UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL "
          "WHERE hold_id = ? AND status = 'HELD'",
          hold_id);
      return gone("The hold has expired; hold the seats again");
    }
    if (held == 0) return conflict("The hold's seats have been taken");
    auto show = load_bookable_show(s, show_id);
    if (!show.ok()) return show.problem();
    // The hold became confirmable between the pre-read and this lock (a
    // release raced): no authorization to book it with. The client retries.
    if (!payment_ref) return conflict("The hold changed while confirming; try again");
    int64_t total = h->getInt64("total_cents");
    std::string currency = get_string(*h, "currency");
    s.exec(
        "INSERT INTO reservations (show_id, user_id, hold_id, total_cents, currency, payment_ref) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        show_id, user.id, hold_id, total, currency, *payment_ref);
    int64_t reservation_id = s.last_insert_id();
    // The authorization this reservation uses; voided meanwhile means retry.
    if (s.exec("UPDATE payments SET reservation_id = ? WHERE hold_id = ? AND status = "
               "'AUTHORIZED' AND reservation_id IS NULL",
               reservation_id, hold_id) != 1) {
      s.set_rollback_only();
      return conflict("The payment authorization changed while confirming; try again");
    }
    int64_t moved = s.exec(
        "UPDATE show_seats SET status = 'RESERVED', reservation_id = ?, held_until = NULL "
        "WHERE hold_id = ? AND show_id = ? AND status = 'HELD'",
        reservation_id, hold_id, show_id);
    if (moved != held) {
      s.set_rollback_only();
      return conflict("The hold's seats changed while confirming; try again");
    }
    s.exec(
        "INSERT INTO reservation_seats (reservation_id, show_id, seat_id, price_cents, active) "
        "SELECT ?, show_id, seat_id, price_cents, 1 FROM show_seats WHERE reservation_id = ?",
        reservation_id, reservation_id);
    s.exec("UPDATE holds SET status = 'CONFIRMED' WHERE id = ?", hold_id);
    // A waiting-list offer being claimed.
    s.exec(
        "UPDATE waitlist_entries SET status = 'ASSIGNED', reservation_id = ? "
        "WHERE hold_id = ? AND status = 'OFFERED'",
        reservation_id, hold_id);
    Confirmed o;
    o.body = *reservation_json(s, reservation_id);
    o.events.push_back(
        write_event(s, ctx, "booking.confirmed", "reservation", reservation_id, o.body));
    if (!idem_key.empty()) {
      s.exec(
          "INSERT INTO idempotency_keys (user_id, endpoint, idem_key, request_hash, status_code, "
          "response_body) VALUES (?, 'confirm', ?, ?, 201, ?)",
          user.id, idem_key, request_hash, o.body);
    }
    return o;
  });
}

Response handle_confirm(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const Caller c, caller_on(req, ctx, {"CUSTOMER"}));
  const int64_t show_id = c.id;
  const AuthUser& user = c.user;
  std::string key = req.header("idempotency-key");  // its form is checked by the serve loop
  // No body or no hold_id (clients of seed 000): the caller's hold on this show.
  auto body = read_json_or_empty(req, {"hold_id", "payment_token"});
  CINEMA_RETURN_IF_ERROR(body);
  auto hold_id = body->integer("hold_id", false, 1, INT64_MAX);
  auto token = body->string("payment_token", false, 1, 200);
  CINEMA_RETURN_IF_ERROR(body->finish());
  std::string request_hash = sha256_hex(std::to_string(show_id) + "\n" + req.body);
  if (!hold_id) {
    auto mine = ctx.db().autocommit([&](Session& s) -> StatusOr<int64_t> {
      // A retry of a confirm that succeeded: its hold is no longer active.
      if (!key.empty()) {
        if (auto earlier = replay(s, user.id, key, request_hash)) {
          if (!earlier->ok()) return earlier->problem();
          Rows r = s.query("SELECT hold_id FROM reservations WHERE id = JSON_VALUE(?, '$.id')",
                           (*earlier)->body);
          if (r->next() && !r->isNull(1)) return r->getInt64(1);
        }
      }
      return my_hold_on_show(s, user.id, show_id);
    });
    CINEMA_RETURN_IF_ERROR(mine);
    hold_id = *mine;
  }
  // authorize -> one short transaction -> capture (or void): the provider is
  // never called inside the transaction, whose body may run again.
  std::optional<std::string> payment_ref;
  auto due =
      ctx.db().autocommit([&](Session& s) { return amount_due(s, user, show_id, *hold_id); });
  if (due) {
    auto ref = authorize(ctx, user, *hold_id, *due, token.value_or(""));
    CINEMA_RETURN_IF_ERROR(ref);
    payment_ref = *ref;
  }
  // The same key in flight twice: the loser waits on the key row, then its
  // second try replays the winner's answer.
  static const Problem kInFlight = [] {
    Problem p = conflict("The same confirm is in flight; try again");
    p.type = "/problems/confirm-in-flight";
    return p;
  }();
  static const ConstraintProblems kConstraints = {{Violation::kDuplicateKey, "", kInFlight}};
  StatusOr<Confirmed> o = internal_error();
  try {
    for (int attempt = 0; attempt < 2; ++attempt) {
      o = with_constraints(kConstraints, [&] {
        return confirm_hold(ctx, user, show_id, *hold_id, payment_ref, key, request_hash);
      });
      if (o.ok() || o.problem().type != kInFlight.type) break;
    }
  } catch (...) {
    if (payment_ref) settle(ctx, *hold_id, *payment_ref, false);
    throw;
  }
  if (payment_ref) settle(ctx, *hold_id, *payment_ref, o.ok() && o->status == 201);
  CINEMA_RETURN_IF_ERROR(o);
  if (!o->events.empty()) after_seat_change(ctx, show_id, o->events);
  return Response::json(o->status, o->body);
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/shows/{id}/confirm", handle_confirm},
  };
  return r;
}

}  // namespace cinema::confirm
