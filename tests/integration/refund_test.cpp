// Refunds through the payment seam: every cancellation of a paid reservation
// (by the customer, by the cinema) refunds it once, the reservation's detail
// shows its payment, and a refund the provider could not take is finished by
// the worker under the same idempotency key. The `http` provider is tested
// against the stand-in gateway (tests/gateway), with function binaries run as
// CGI under that provider's settings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixtures.h"
#include "payment_gateway.h"
#include "worker_run.h"

namespace itest {
namespace {

std::string reservation_path(int64_t id) {
  return "/v1/reservations/" + std::to_string(id);
}

int64_t refunds_of(int64_t reservation_id) {
  return sql_int("SELECT COUNT(*) FROM payment_refunds WHERE reservation_id = ?", reservation_id);
}

TEST(Refund, TheDetailShowsThePaymentAndACustomerCancelRefundsItOnce) {
  Venue v = make_venue(1, 3, 1250);
  Actor c = new_customer("refund-cust");
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  int64_t r = book(c, v.show_id, {seats[0], seats[1]});
  HttpResponse detail = get(reservation_path(r), c.auth());
  ASSERT_EQ(detail.status, 200) << detail.describe();
  Payment paid = payment_in(detail);
  EXPECT_EQ(paid.status, "CAPTURED") << detail.body;
  EXPECT_EQ(paid.amount_cents, 2500);
  EXPECT_EQ(paid.refunded_cents, 0);

  HttpResponse cancelled = del(reservation_path(r), "", c.auth());
  ASSERT_EQ(cancelled.status, 200) << cancelled.describe();
  Payment refunded = payment_in(cancelled);
  EXPECT_EQ(refunded.status, "REFUNDED") << cancelled.body;
  EXPECT_EQ(refunded.refunded_cents, 2500);
  // A retried cancellation is refused and refunds nothing more; nor does the worker.
  EXPECT_TRUE(IsProblem(del(reservation_path(r), "", c.auth()), 409));
  ASSERT_EQ(run_worker(), 0);
  Payment after = payment_in(get(reservation_path(r), c.auth()));
  EXPECT_EQ(after.status, "REFUNDED");
  EXPECT_EQ(after.refunded_cents, 2500);
  EXPECT_EQ(refunds_of(r), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payment_refunds WHERE reservation_id = ? AND status = "
                    "'SUCCEEDED' AND amount_cents = 2500",
                    r),
            1);
  // The refund's event is its audit record.
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM outbox WHERE event_type = 'payment.refunded' AND "
                    "aggregate_id = ?",
                    r),
            1);
}

TEST(Refund, AnOwnerCancelRefundsAndTheOwnerSeesThePayment) {
  Venue v = make_venue(1, 2, 900);
  Actor c = new_customer("refund-owner");
  int64_t r = book(c, v.show_id, {hall_seat_ids(v.hall_id)[0]});
  HttpResponse mine = get("/v1/owner/reservations/" + std::to_string(r), v.owner.auth());
  ASSERT_EQ(mine.status, 200) << mine.describe();
  EXPECT_EQ(payment_in(mine).status, "CAPTURED");
  HttpResponse cancelled = del("/v1/owner/reservations/" + std::to_string(r), "", v.owner.auth());
  ASSERT_EQ(cancelled.status, 200) << cancelled.describe();
  EXPECT_EQ(payment_in(cancelled).status, "REFUNDED");
  EXPECT_EQ(payment_in(get(reservation_path(r), c.auth())).refunded_cents, 900);
  EXPECT_EQ(refunds_of(r), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE id = ? AND cancel_reason = "
                    "'cancelled by the cinema'",
                    r),
            1);
}

TEST(Refund, AReservationPaidOutsideTheSeamHasNoPaymentAndNoRefund) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("refund-none");
  int64_t r = book(c, v.show_id, {hall_seat_ids(v.hall_id)[0]});
  // As a reservation made before payments were recorded (or by an old binary).
  ASSERT_EQ(sql_exec("DELETE FROM payments WHERE reservation_id = ?", r), 1);
  HttpResponse detail = get(reservation_path(r), c.auth());
  ASSERT_EQ(detail.status, 200);
  EXPECT_NE(detail.body.find("\"payment\":null"), std::string::npos) << detail.body;
  HttpResponse cancelled = del(reservation_path(r), "", c.auth());
  ASSERT_EQ(cancelled.status, 200) << cancelled.describe();
  EXPECT_NE(cancelled.body.find("\"payment\":null"), std::string::npos) << cancelled.body;
  EXPECT_EQ(refunds_of(r), 0);
}

TEST(Refund, ACancellationRefundsWhatAnEarlierPartialRefundLeft) {
  Venue v = make_venue(1, 2, 1000);
  Actor c = new_customer("refund-partial");
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  int64_t r = book(c, v.show_id, {seats[0], seats[1]});
  // An earlier partial refund of 500 (e.g. a goodwill credit by an operator).
  ASSERT_EQ(sql_exec("UPDATE payments SET status = 'PARTIALLY_REFUNDED', refunded_cents = 500 "
                     "WHERE reservation_id = ?",
                     r),
            1);
  Payment partial = payment_in(get(reservation_path(r), c.auth()));
  EXPECT_EQ(partial.status, "PARTIALLY_REFUNDED");
  EXPECT_EQ(partial.refunded_cents, 500);
  HttpResponse cancelled = del(reservation_path(r), "", c.auth());
  ASSERT_EQ(cancelled.status, 200) << cancelled.describe();
  Payment done = payment_in(cancelled);
  EXPECT_EQ(done.status, "REFUNDED");
  EXPECT_EQ(done.refunded_cents, 2000);
  EXPECT_EQ(sql_int("SELECT amount_cents FROM payment_refunds WHERE reservation_id = ?", r), 1500);
}

// ------------------------------------------------------------ the http provider

std::string payment_status(int64_t hold_id) {
  auto rows = sql_rows("SELECT status FROM payments WHERE hold_id = ?", hold_id);
  return rows.empty() ? "<none>" : rows[0][0].value_or("");
}

TEST(HttpProvider, AuthorizesCapturesAndRefundsThroughTheGateway) {
  StandInGateway gw;
  Venue v = make_venue(1, 2, 1100);
  Actor c = new_customer("gw-ok");
  Booked b = book_via_gateway(gw, c, v.show_id, {hall_seat_ids(v.hall_id)[0]});
  const std::string auth_key = "hold-" + std::to_string(b.hold_id) + "-1";
  EXPECT_EQ(gw.applied_with_key(auth_key), 1);
  EXPECT_EQ(payment_status(b.hold_id), "CAPTURED");
  auto ref = sql_rows("SELECT provider_ref FROM payments WHERE hold_id = ?", b.hold_id);
  ASSERT_EQ(ref.size(), 1u);
  int64_t captures = 0;
  for (const GatewayCall& call : gw.journal()) {
    captures += call.path == "/authorizations/" + ref[0][0].value_or("?") + "/capture" ? 1 : 0;
  }
  EXPECT_EQ(captures, 1);

  CgiResult cancelled = run_cgi("cancel", "DELETE", reservation_path(b.reservation_id), "", c.token,
                                gw.provider_env());
  ASSERT_EQ(cancelled.response.status, 200) << cancelled.response.describe();
  EXPECT_EQ(payment_in(cancelled.response).status, "REFUNDED") << cancelled.response.body;
  const std::string refund_key = "refund-reservation-" + std::to_string(b.reservation_id);
  EXPECT_EQ(gw.applied_with_key(refund_key), 1);
  for (const GatewayCall& call : gw.journal()) {
    if (call.key == refund_key) {
      EXPECT_EQ(call.amount_cents, 1100);
    }
  }
}

TEST(HttpProvider, ADeclineIs402AndKeepsTheHold) {
  StandInGateway gw;
  Venue v = make_venue(1, 2);
  Actor c = new_customer("gw-decline");
  int64_t hold = hold_for(c, v.show_id, {hall_seat_ids(v.hall_id)[0]});
  CgiResult r = confirm_cgi(gw, c, v.show_id, hold, "tok_decline");
  EXPECT_TRUE(IsProblem(r.response, 402)) << r.response.describe();
  EXPECT_EQ(payment_status(hold), "DECLINED");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'ACTIVE'", hold), 1);
  EXPECT_EQ(gw.applied_with_key("hold-" + std::to_string(hold) + "-1"), 0);
}

TEST(HttpProvider, AGatewayThatIsDownIs503WithRetryAfterAndARetryChargesOnce) {
  StandInGateway gw;
  Venue v = make_venue(1, 3);
  Actor c = new_customer("gw-down");
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  int64_t hold = hold_for(c, v.show_id, {seats[0]});

  // Unreachable (nothing listens), then answering 503: neither is a decline.
  for (const std::string& env : {unreachable_gateway_env(), std::string()}) {
    if (env.empty()) gw.set_mode("down");
    CgiResult r = confirm_cgi(gw, c, v.show_id, hold, "", env);
    EXPECT_TRUE(IsProblem(r.response, 503)) << r.response.describe();
    EXPECT_FALSE(r.response.header("retry-after").empty()) << r.response.describe();
    EXPECT_EQ(payment_status(hold), "<none>");
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold), 0);
  }

  // The gateway authorizes but its answer is lost: the retry under the same
  // key gets that authorization back; nothing is charged twice.
  gw.set_mode("lost-answer");
  EXPECT_TRUE(IsProblem(confirm_cgi(gw, c, v.show_id, hold).response, 503));
  gw.set_mode("up");
  CgiResult ok = confirm_cgi(gw, c, v.show_id, hold);
  ASSERT_EQ(ok.response.status, 201) << ok.response.describe();
  const std::string key = "hold-" + std::to_string(hold) + "-1";
  EXPECT_EQ(gw.applied_with_key(key), 1);
  EXPECT_GE(gw.calls_with_key(key), 3);
  int64_t applied_authorizations = 0;
  for (const GatewayCall& call : gw.journal()) {
    applied_authorizations += call.path == "/authorizations" && call.applied ? 1 : 0;
  }
  EXPECT_EQ(applied_authorizations, 1);
  EXPECT_EQ(payment_status(hold), "CAPTURED");
}

TEST(HttpProvider, ARefundTheGatewayCouldNotTakeIsFinishedByTheWorkerOnce) {
  StandInGateway gw;
  Venue v = make_venue(1, 2, 1300);
  Actor c = new_customer("gw-refund-later");
  Booked b = book_via_gateway(gw, c, v.show_id, {hall_seat_ids(v.hall_id)[0]});
  const std::string key = "refund-reservation-" + std::to_string(b.reservation_id);

  gw.set_mode("down");
  CgiResult cancelled = run_cgi("cancel", "DELETE", reservation_path(b.reservation_id), "", c.token,
                                gw.provider_env());
  ASSERT_EQ(cancelled.response.status, 200) << cancelled.response.describe();
  Payment pending = payment_in(cancelled.response);
  EXPECT_EQ(pending.status, "REFUND_PENDING") << cancelled.response.body;
  EXPECT_EQ(pending.refunded_cents, 0);
  EXPECT_EQ(gw.applied_with_key(key), 0);

  // Later, the gateway is back and the worker's run finds the refund due.
  gw.set_mode("up");
  ASSERT_EQ(sql_exec("UPDATE payment_refunds SET next_attempt_at = NOW(3) WHERE idem_key = ?", key),
            1);
  ASSERT_EQ(run_worker("--once", gw.provider_env()), 0);
  EXPECT_EQ(gw.applied_with_key(key), 1);
  Payment done = payment_in(get(reservation_path(b.reservation_id), c.auth()));
  EXPECT_EQ(done.status, "REFUNDED");
  EXPECT_EQ(done.refunded_cents, 1300);

  // A worker that died after the gateway refunded but before recording it:
  // the next run asks again under the same key, and nothing moves twice.
  ASSERT_EQ(sql_exec("UPDATE payment_refunds SET status = 'PENDING', next_attempt_at = NOW(3) "
                     "WHERE idem_key = ?",
                     key),
            1);
  ASSERT_EQ(sql_exec("UPDATE payments SET status = 'CAPTURED', refunded_cents = 0 WHERE "
                     "reservation_id = ?",
                     b.reservation_id),
            1);
  ASSERT_EQ(run_worker("--once", gw.provider_env()), 0);
  EXPECT_EQ(gw.applied_with_key(key), 1);
  EXPECT_GE(gw.calls_with_key(key), 3);
  Payment again = payment_in(get(reservation_path(b.reservation_id), c.auth()));
  EXPECT_EQ(again.status, "REFUNDED");
  EXPECT_EQ(again.refunded_cents, 1300);
}

}  // namespace
}  // namespace itest
