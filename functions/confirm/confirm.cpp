#include "confirm.h"

#include "cinema/booking.h"
#include "cinema/booking_verbs.h"
#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/payment.h"
#include "cinema/validate.h"

namespace cinema::confirm {
namespace {

// An answer kept under the same Idempotency-Key, for a confirm that names no
// hold: its reservation's hold.
std::optional<StatusOr<std::string>> replayed_body(Session& s, int64_t user_id,
                                                   const std::string& key,
                                                   const std::string& request_hash) {
  Rows rs = s.query(
      "SELECT request_hash, response_body FROM idempotency_keys "
      "WHERE user_id = ? AND endpoint = 'confirm' AND idem_key = ?",
      user_id, key);
  if (!rs->next()) return std::nullopt;
  if (get_string(*rs, "request_hash") != request_hash) {
    return StatusOr<std::string>(
        unprocessable("This Idempotency-Key was used with a different request"));
  }
  return StatusOr<std::string>(get_string(*rs, "response_body"));
}

Problem payment_declined(const std::string& reason) {
  Problem p;
  p.status = 402;
  p.type = "/problems/payment-declined";
  p.title = "Payment declined";
  p.detail = reason + "; the hold is kept until it expires";
  return p;
}

// Authorizes the hold's amount once (keyed by the hold), recording the step.
// A retried confirm reuses an authorization an earlier attempt obtained.
StatusOr<std::string> authorize(Context& ctx, const AuthUser& user, int64_t hold_id,
                                const AmountDue& due, const std::string& token) {
  if (due.payment_status == "AUTHORIZED" || due.payment_status == "CAPTURED") {
    return due.payment_ref;
  }
  // A declined or voided authorization is followed by a new one, under a new key.
  const int64_t attempt = due.attempt + 1;
  Authorization auth = authorize_hold(ctx.bookings(), ctx.payments(),
                                      {user.id, hold_id, due.total_cents, due.currency, token},
                                      payment_key_for_hold(hold_id, attempt), attempt);
  if (auth.unavailable) {
    // Nothing recorded: a retry asks again under the same key, and a
    // provider that did authorize meanwhile answers that authorization.
    Problem p = service_unavailable("The payment provider is unavailable; retry shortly");
    p.type = "/problems/payment-unavailable";
    p.headers.clear();
    p.headers.emplace_back("Retry-After", "5");
    return p;
  }
  if (!auth.approved) return payment_declined(auth.reason);
  return auth.reference;
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
        if (auto earlier = replayed_body(s, user.id, key, request_hash)) {
          if (!earlier->ok()) return earlier->problem();
          Rows r = s.query("SELECT hold_id FROM reservations WHERE id = JSON_VALUE(?, '$.id')",
                           **earlier);
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
  auto due = ctx.bookings().amount_due(user.id, show_id, *hold_id);
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
  const ConfirmAsk ask{user.id, show_id, *hold_id, payment_ref, key, request_hash};
  StatusOr<Confirmed> o = internal_error();
  std::vector<OutboxEvent> freed;  // an expired hold's seats, freed on the way
  auto settle = [&](bool reserved) {
    if (payment_ref) {
      settle_payment(ctx.bookings(), ctx.payments(), *hold_id, *payment_ref, reserved);
    }
  };
  try {
    for (int attempt = 0; attempt < 2; ++attempt) {
      o = with_constraints(kConstraints, [&] {
        return ctx.bookings().transaction(
            [&](BookingTx& tx) { return confirm_hold(tx, ask, freed); });
      });
      if (o.ok() || o.problem().type != kInFlight.type) break;
    }
  } catch (...) {
    settle(false);
    throw;
  }
  settle(o.ok() && o->status == 201);
  if (!freed.empty()) after_seat_change(ctx, show_id, freed);
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
