#include "confirm.h"

#include <cppconn/exception.h>

#include "cinema/audit.h"
#include "cinema/booking.h"
#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/payment.h"
#include "cinema/validate.h"

namespace cinema::confirm {
namespace {

struct Outcome {
  int status = 201;
  std::string body;
  std::optional<Problem> problem;
  std::vector<OutboxEvent> events;
};

Outcome fail(Problem p) {
  Outcome o;
  o.problem = std::move(p);
  return o;
}

std::optional<Outcome> replay(Session& s, int64_t user_id, const std::string& key,
                              const std::string& request_hash) {
  Rows rs = s.query(
      "SELECT request_hash, status_code, response_body FROM idempotency_keys "
      "WHERE user_id = ? AND endpoint = 'confirm' AND idem_key = ?",
      user_id, key);
  if (!rs->next()) return std::nullopt;
  if (get_string(*rs, "request_hash") != request_hash) {
    return fail(unprocessable("This Idempotency-Key was used with a different request"));
  }
  Outcome o;
  o.status = rs->getInt("status_code");
  o.body = get_string(*rs, "response_body");
  return o;
}

Outcome confirm_hold(Context& ctx, const AuthUser& user, int64_t show_id, int64_t hold_id,
                     const std::string& token, const std::string& idem_key,
                     const std::string& request_hash, PaymentProvider& payments) {
  return ctx.db().transaction([&](Session& s) -> Outcome {
    if (!idem_key.empty()) {
      if (auto earlier = replay(s, user.id, idem_key, request_hash)) return *earlier;
    }
    Rows h = s.query(
        "SELECT status, expires_at <= NOW(3) AS expired, total_cents, currency FROM holds "
        "WHERE id = ? AND show_id = ? AND user_id = ? FOR UPDATE",
        hold_id, show_id, user.id);
    if (!h->next()) return fail(not_found("No such hold"));
    std::string status = get_string(*h, "status");
    if (status == "CONFIRMED") {
      Rows r = s.query("SELECT id FROM reservations WHERE hold_id = ?", hold_id);
      if (!r->next()) return fail(conflict("The hold was confirmed but its reservation is gone"));
      Outcome o;
      o.status = 200;
      o.body = *reservation_json(s, r->getInt64("id"));
      return o;
    }
    if (status == "RELEASED") return fail(conflict("The hold was released"));
    if (status == "EXPIRED") return fail(gone("The hold has expired"));
    Rows seats = s.query(
        "SELECT COUNT(*) AS n, COALESCE(SUM(status = 'HELD'), 0) AS held FROM show_seats "
        "WHERE hold_id = ?",
        hold_id);
    seats->next();
    int64_t held = seats->getInt64("held");
    if (h->getInt("expired") == 1) {
      // Expired: tidy up now rather than wait for the sweeper.
      s.exec("UPDATE holds SET status = 'EXPIRED' WHERE id = ?", hold_id);
      s.exec("UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL "
             "WHERE hold_id = ? AND status = 'HELD'", hold_id);
      return fail(gone("The hold has expired; hold the seats again"));
    }
    if (held == 0) return fail(conflict("The hold's seats have been taken"));
    auto show = load_bookable_show(s, show_id);
    if (!show.ok()) return fail(show.problem());
    int64_t total = h->getInt64("total_cents");
    std::string currency = get_string(*h, "currency");
    PaymentResult paid = payments.charge({user.id, hold_id, total, currency, token});
    if (!paid.approved) {
      Problem p;
      p.status = 402;
      p.type = "/problems/payment-declined";
      p.title = "Payment declined";
      p.detail = paid.reason + "; the hold is kept until it expires";
      return fail(p);
    }
    s.exec(
        "INSERT INTO reservations (show_id, user_id, hold_id, total_cents, currency, payment_ref) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        show_id, user.id, hold_id, total, currency, paid.reference);
    int64_t reservation_id = s.last_insert_id();
    int64_t moved = s.exec(
        "UPDATE show_seats SET status = 'RESERVED', reservation_id = ?, held_until = NULL "
        "WHERE hold_id = ? AND show_id = ? AND status = 'HELD'",
        reservation_id, hold_id, show_id);
    if (moved != held) {
      s.set_rollback_only();
      return fail(conflict("The hold's seats changed while confirming; try again"));
    }
    s.exec(
        "INSERT INTO reservation_seats (reservation_id, show_id, seat_id, price_cents, active) "
        "SELECT ?, show_id, seat_id, price_cents, 1 FROM show_seats WHERE reservation_id = ?",
        reservation_id, reservation_id);
    s.exec("UPDATE holds SET status = 'CONFIRMED' WHERE id = ?", hold_id);
    // A waiting-list offer being claimed.
    s.exec("UPDATE waitlist_entries SET status = 'ASSIGNED', reservation_id = ? "
           "WHERE hold_id = ? AND status = 'OFFERED'",
           reservation_id, hold_id);
    Outcome o;
    o.body = *reservation_json(s, reservation_id);
    o.events.push_back(
        write_event(s, ctx, "booking.confirmed", "reservation", reservation_id, o.body));
    write_audit(s, ctx, {user.id, user.role, "reservation.confirm", "reservation",
                         reservation_id, std::nullopt, o.body});
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
  auto show_id = path_id(req, "id");
  if (!show_id.ok()) return Response::problem(show_id.problem());
  auto user = authenticate(req, ctx);
  if (!user.ok()) return Response::problem(user.problem());
  if (auto st = require_role(*user, {"CUSTOMER"}); !st.ok()) return Response::problem(st.problem());
  std::string key = req.header("idempotency-key");  // its form is checked by the serve loop
  auto body = read_json(req, {"hold_id", "payment_token"});
  if (!body.ok()) return Response::problem(body.problem());
  auto hold_id = body->integer("hold_id", true, 1, INT64_MAX);
  auto token = body->string("payment_token", false, 1, 200);
  if (auto st = body->finish(); !st.ok()) return Response::problem(st.problem());
  std::string request_hash = sha256_hex(std::to_string(*show_id) + "\n" + req.body);
  static std::unique_ptr<PaymentProvider> payments = make_payment_provider(ctx.config());
  Outcome o;
  for (int attempt = 0;; ++attempt) {
    try {
      o = confirm_hold(ctx, *user, *show_id, *hold_id, token.value_or(""), key, request_hash,
                       *payments);
      break;
    } catch (const sql::SQLException& e) {
      // The same key in flight twice: the loser waits on the key row, then replays.
      if (e.getErrorCode() != kErrDuplicateKey || attempt > 0) throw;
    }
  }
  if (o.problem) return Response::problem(*o.problem);
  if (!o.events.empty()) after_seat_change(ctx, *show_id, o.events);
  return Response::json(o.status, o.body);
}

}  // namespace

Response handle(const Request& req, Context& ctx) {
  static const Router router = [] {
    Router r;
    r.on("POST", "/v1/shows/{id}/confirm", handle_confirm);
    return r;
  }();
  return router.dispatch(req, ctx);
}

}  // namespace cinema::confirm
