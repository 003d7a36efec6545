// Show cancellation: POST /v1/shows/{id}/cancel by the show's owner or an
// admin ends every hold, cancels and refunds every reservation, closes the
// waiting list and tells everyone (events, seat map, live); it is one
// idempotent operation, also when re-run after dying between its commit and
// its refunds (checked against the stand-in gateway's record of refunds).
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "fixtures.h"
#include "payment_gateway.h"
#include "worker_run.h"

namespace itest {
namespace {

std::string cancel_path(int64_t show_id) {
  return "/v1/shows/" + std::to_string(show_id) + "/cancel";
}

std::string reason_body(const std::string& reason) {
  return JsonObj().s("reason", reason).str();
}

int64_t events_of(const std::string& type, int64_t aggregate_id) {
  return sql_int("SELECT COUNT(*) FROM outbox WHERE event_type = ? AND aggregate_id = ?", type,
                 aggregate_id);
}

TEST(ShowCancel, TheOwnerCancelsHoldsReservationsAndTheWaitingListAndRefundsEveryone) {
  Venue v = make_venue(1, 4, 1000);
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  Actor a = new_customer("sc-a"), b = new_customer("sc-b"), holder = new_customer("sc-h"),
        waiter = new_customer("sc-w");
  int64_t ra = book(a, v.show_id, {seats[0], seats[1]});
  int64_t rb = book(b, v.show_id, {seats[2]});
  HttpResponse h = hold_seats(holder, v.show_id, {seats[3]});
  ASSERT_EQ(h.status, 201) << h.describe();
  int64_t hold_id = json_int(h, "hold_id").value_or(0);
  sql_exec("UPDATE holds SET expires_at = NOW(3) + INTERVAL 5 MINUTE WHERE id = ?", hold_id);
  sql_exec("UPDATE show_seats SET held_until = NOW(3) + INTERVAL 5 MINUTE WHERE hold_id = ?",
           hold_id);
  std::string waitlist = "/v1/shows/" + std::to_string(v.show_id) + "/waitlist";
  HttpResponse joined = post(waitlist, JsonObj().i("seats", 1).str(), waiter.auth());
  ASSERT_EQ(joined.status, 201) << joined.describe();
  int64_t entry = json_int(joined, "entry_id").value_or(0);

  // Nobody else may: another owner does not see the show, a customer is refused.
  Actor other = new_owner("sc-other");
  EXPECT_TRUE(IsProblem(post(cancel_path(v.show_id), reason_body("x"), other.auth()), 404));
  EXPECT_TRUE(IsProblem(post(cancel_path(v.show_id), reason_body("x"), a.auth()), 403));
  EXPECT_TRUE(IsProblem(post(cancel_path(v.show_id), reason_body("x")), 401));
  EXPECT_TRUE(IsProblem(post(cancel_path(v.show_id), "{}", v.owner.auth()), 400));
  EXPECT_TRUE(IsProblem(post(cancel_path(kMissingId), reason_body("x"), v.owner.auth()), 404));
  EXPECT_EQ(sql_int("SELECT status = 'SCHEDULED' FROM shows WHERE id = ?", v.show_id), 1);

  HttpResponse r = post(cancel_path(v.show_id), reason_body("Projector broken"), v.owner.auth());
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(json_string(r, "status"), "CANCELLED");
  EXPECT_EQ(json_int(r, "cancelled_reservations"), 2);
  EXPECT_EQ(json_int(r, "refunded_cents"), 3000);
  EXPECT_EQ(json_int(r, "released_holds"), 1);
  EXPECT_EQ(json_int(r, "closed_waitlist_entries"), 1);
  EXPECT_EQ(json_int(r, "refunds_pending"), 0);

  // Reservations cancelled and refunded, the hold ended, the entry closed.
  for (auto [who, id, cents] : {std::tuple{&a, ra, 2000}, std::tuple{&b, rb, 1000}}) {
    HttpResponse d = get("/v1/reservations/" + std::to_string(id), who->auth());
    EXPECT_EQ(json_string(d, "status"), "CANCELLED") << d.body;
    Payment p = payment_in(d);
    EXPECT_EQ(p.status, "REFUNDED") << d.body;
    EXPECT_EQ(p.refunded_cents, cents);
    EXPECT_EQ(events_of("booking.cancelled", id), 1);
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'RELEASED'", hold_id), 1);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM waitlist_entries WHERE id = ? AND status = 'CANCELLED'", entry),
      1);
  EXPECT_EQ(events_of("waitlist.cancelled", entry), 1);
  EXPECT_EQ(events_of("show.cancelled", v.show_id), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM outbox WHERE event_type = 'booking.cancelled' AND "
                    "aggregate_id IN (?, ?) AND JSON_VALUE(payload, '$.data.reason') LIKE "
                    "'%Projector broken%'",
                    ra, rb),
            2);

  // The seat map says so; holds and waiting-list joins are refused.
  SeatMap m = seat_map(v.show_id);
  ASSERT_TRUE(m.ok()) << m.response.describe();
  EXPECT_NE(m.response.body.find("\"show_status\":\"CANCELLED\""), std::string::npos)
      << m.response.body.substr(0, 200);
  for (const Seat& s : m.seats) EXPECT_EQ(s.status, "FREE") << "seat " << s.id;
  EXPECT_TRUE(IsProblem(hold_seats(holder, v.show_id, {seats[0]}), 409));
  EXPECT_TRUE(IsProblem(hold_best(holder, v.show_id, 1, false), 409));
  EXPECT_TRUE(IsProblem(post(waitlist, JsonObj().i("seats", 1).str(), holder.auth()), 409));

  // Again: the same figures, nothing refunded twice.
  HttpResponse again = post(cancel_path(v.show_id), reason_body("again"), v.owner.auth());
  ASSERT_EQ(again.status, 200) << again.describe();
  EXPECT_EQ(json_int(again, "cancelled_reservations"), 2);
  EXPECT_EQ(json_int(again, "refunded_cents"), 3000);
  EXPECT_EQ(json_string(again, "reason"), "Projector broken");
  ASSERT_EQ(run_worker(), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payment_refunds WHERE show_id = ?", v.show_id), 2);
  // The worker's run relayed the events and logged each customer's notification.
  for (const Actor* who : {&a, &b}) {
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM notifications WHERE event_type = 'booking.cancelled' "
                      "AND user_id = ?",
                      who->id()),
              1);
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM notifications WHERE event_type = 'payment.refunded' "
                      "AND user_id = ?",
                      who->id()),
              1);
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM notifications WHERE event_type = 'waitlist.cancelled' "
                    "AND user_id = ?",
                    waiter.id()),
            1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM notifications WHERE event_type = 'show.cancelled' AND "
                    "JSON_VALUE(payload, '$.data.show_id') = ?",
                    v.show_id),
            1);
  EXPECT_EQ(
      sql_int("SELECT SUM(refunded_cents) FROM payments WHERE reservation_id IN (?, ?)", ra, rb),
      3000);
  EXPECT_EQ(events_of("show.cancelled", v.show_id), 1);
}

TEST(ShowCancel, AnAdminMayCancelAnyShowAndAnEmptyShowCancelsToo) {
  Venue v = make_venue(1, 2);
  Actor admin = new_admin("sc-admin");
  HttpResponse r = post(cancel_path(v.show_id), reason_body("Licence withdrawn"), admin.auth());
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(json_int(r, "cancelled_reservations"), 0);
  EXPECT_EQ(json_int(r, "refunded_cents"), 0);
  EXPECT_EQ(sql_int("SELECT status = 'CANCELLED' FROM shows WHERE id = ?", v.show_id), 1);
}

TEST(ShowCancel, AReRunAfterDyingBetweenCommitAndRefundsRefundsEachReservationOnce) {
  StandInGateway gw;
  Venue v = make_venue(1, 4, 800);
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  std::vector<Booked> booked;
  for (int i = 0; i < 3; ++i) {
    Actor c = new_customer("sc-kill");
    booked.push_back(book_via_gateway(gw, c, v.show_id, {seats[static_cast<size_t>(i)]}));
  }
  auto key = [](const Booked& b) {
    return "refund-reservation-" + std::to_string(b.reservation_id);
  };
  const std::string body = reason_body("Flooded");

  // Dies right after its commit, before asking for any refund.
  CgiResult killed = run_cgi("show-cancel", "POST", cancel_path(v.show_id), body, v.owner.token,
                             gw.provider_env() + " CINEMA_TEST_FAULT=show-cancel-after-commit");
  EXPECT_EQ(killed.exit_code, 75);
  EXPECT_EQ(killed.response.status, 0) << "it answered: " << killed.response.describe();
  EXPECT_EQ(sql_int("SELECT status = 'CANCELLED' FROM shows WHERE id = ?", v.show_id), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payment_refunds WHERE show_id = ? AND status = "
                    "'PENDING'",
                    v.show_id),
            3);
  for (const Booked& b : booked) EXPECT_EQ(gw.calls_with_key(key(b)), 0);

  // The re-run answers the same figures and asks for the pending refunds.
  CgiResult rerun = run_cgi("show-cancel", "POST", cancel_path(v.show_id), body, v.owner.token,
                            gw.provider_env());
  ASSERT_EQ(rerun.response.status, 200) << rerun.response.describe();
  EXPECT_EQ(json_int(rerun.response, "cancelled_reservations"), 3);
  EXPECT_EQ(json_int(rerun.response, "refunded_cents"), 2400);
  EXPECT_EQ(json_int(rerun.response, "refunds_pending"), 0);
  for (const Booked& b : booked) {
    EXPECT_EQ(gw.applied_with_key(key(b)), 1) << key(b);
    for (const GatewayCall& c : gw.journal()) {
      if (c.key == key(b)) {
        EXPECT_EQ(c.amount_cents, b.total_cents);
      }
    }
  }

  // Died after the gateway refunded one but before recording it: a third run
  // and the worker ask again under the same key; the gateway moves nothing.
  const Booked& lost = booked[1];
  ASSERT_EQ(sql_exec("UPDATE payment_refunds SET status = 'PENDING' WHERE idem_key = ?", key(lost)),
            1);
  ASSERT_EQ(sql_exec("UPDATE payments SET status = 'CAPTURED', refunded_cents = 0 WHERE "
                     "reservation_id = ?",
                     lost.reservation_id),
            1);
  CgiResult third = run_cgi("show-cancel", "POST", cancel_path(v.show_id), body, v.owner.token,
                            gw.provider_env());
  ASSERT_EQ(third.response.status, 200) << third.response.describe();
  ASSERT_EQ(run_worker("--once", gw.provider_env()), 0);
  int64_t applied_refunds = 0;
  for (const GatewayCall& c : gw.journal()) {
    applied_refunds += c.path == "/refunds" && c.applied ? 1 : 0;
  }
  EXPECT_EQ(applied_refunds, 3);
  EXPECT_GE(gw.calls_with_key(key(lost)), 2);
  for (const Booked& b : booked) {
    EXPECT_EQ(gw.applied_with_key(key(b)), 1) << key(b);
    EXPECT_EQ(
        sql_int("SELECT refunded_cents FROM payments WHERE reservation_id = ?", b.reservation_id),
        b.total_cents);
    EXPECT_EQ(
        sql_int("SELECT COUNT(*) FROM payment_refunds WHERE reservation_id = ?", b.reservation_id),
        1);
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_cancellations WHERE show_id = ?", v.show_id), 1);
}

}  // namespace
}  // namespace itest
