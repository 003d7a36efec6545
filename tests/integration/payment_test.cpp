// Payments outside the booking transaction: authorize, one short transaction,
// then capture, or void when the transaction does not book; each step is a
// `payments` row, and the worker finishes what a confirm left half done.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixtures.h"
#include "worker_run.h"

namespace itest {
namespace {

struct PaymentRow {
  std::string status;
  int64_t reservation_id = -1;
  int64_t attempt = 0;
  std::string reference;
};

std::optional<PaymentRow> payment_of(int64_t hold_id) {
  auto rows = sql_rows(
      "SELECT status, reservation_id, attempt, provider_ref FROM payments WHERE hold_id = ?",
      hold_id);
  if (rows.empty()) return std::nullopt;
  return PaymentRow{rows[0][0].value_or(""), rows[0][1] ? std::stoll(*rows[0][1]) : -1,
                    rows[0][2] ? std::stoll(*rows[0][2]) : 0, rows[0][3].value_or("")};
}

int64_t hold_one(const Actor& a, int64_t show_id, int64_t seat) {
  HttpResponse h = hold_seats(a, show_id, {seat});
  if (h.status != 201) throw std::runtime_error("hold failed: " + h.describe());
  return json_int(h, "hold_id").value_or(0);
}

TEST(Payment, AConfirmAuthorizesThenCapturesWhatItBooked) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("pay");
  int64_t hold = hold_one(c, v.show_id, hall_seat_ids(v.hall_id)[0]);
  HttpResponse r = confirm(c, v.show_id, hold);
  ASSERT_EQ(r.status, 201) << r.describe();
  int64_t reservation = json_int(r, "reservation_id").value_or(0);
  auto p = payment_of(hold);
  ASSERT_TRUE(p) << "no payments row for hold " << hold;
  EXPECT_EQ(p->status, "CAPTURED");
  EXPECT_EQ(p->reservation_id, reservation);
  EXPECT_EQ(
      sql_int("SELECT payment_ref = ? FROM reservations WHERE id = ?", p->reference, reservation),
      1);
  // A repeat answers the reservation and pays nothing more.
  HttpResponse again = confirm(c, v.show_id, hold);
  EXPECT_EQ(again.status, 200) << again.describe();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM payments WHERE hold_id = ?", hold), 1);
}

TEST(Payment, ADeclineKeepsTheHoldAndANewTokenIsANewAuthorization) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("pay-decline");
  int64_t hold = hold_one(c, v.show_id, hall_seat_ids(v.hall_id)[0]);
  EXPECT_TRUE(IsProblem(confirm(c, v.show_id, hold, "", "tok_decline"), 402));
  auto declined = payment_of(hold);
  ASSERT_TRUE(declined);
  EXPECT_EQ(declined->status, "DECLINED");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold), 0);
  HttpResponse ok = confirm(c, v.show_id, hold, "", "tok_ok");
  ASSERT_EQ(ok.status, 201) << ok.describe();
  auto paid = payment_of(hold);
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->status, "CAPTURED");
  EXPECT_EQ(paid->attempt, 2);
}

TEST(Payment, ATransactionThatDoesNotBookVoidsItsAuthorization) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("pay-void");
  int64_t hold = hold_one(c, v.show_id, hall_seat_ids(v.hall_id)[0]);
  // The show is cancelled after the hold: the authorization happens (the
  // hold is live), the transaction refuses the booking.
  ASSERT_EQ(sql_exec("UPDATE shows SET status = 'CANCELLED' WHERE id = ?", v.show_id), 1);
  HttpResponse r = confirm(c, v.show_id, hold);
  EXPECT_TRUE(IsProblem(r, 409)) << r.describe();
  auto p = payment_of(hold);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, "VOIDED");
  EXPECT_EQ(p->reservation_id, -1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold), 0);
}

TEST(Payment, TheWorkerVoidsStaleAuthorizationsAndCapturesBookedOnes) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("pay-worker");
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  // A confirm that died after authorizing: the hold was never booked.
  int64_t stale = hold_one(c, v.show_id, seats[0]);
  ASSERT_EQ(sql_exec("INSERT INTO payments (hold_id, user_id, amount_cents, currency, "
                     "provider_ref, status, created_at) VALUES (?, ?, 1000, 'EUR', 'mock_stale', "
                     "'AUTHORIZED', NOW(3) - INTERVAL 20 MINUTE)",
                     stale, c.id()),
            1);
  // A confirm that booked but died before capturing.
  Actor d = new_customer("pay-worker-b");
  int64_t booked_hold = hold_one(d, v.show_id, seats[1]);
  ASSERT_EQ(confirm(d, v.show_id, booked_hold).status, 201);
  ASSERT_EQ(sql_exec("UPDATE payments SET status = 'AUTHORIZED', created_at = NOW(3) - INTERVAL "
                     "2 MINUTE WHERE hold_id = ?",
                     booked_hold),
            1);
  ASSERT_EQ(run_worker(), 0);
  EXPECT_EQ(payment_of(stale)->status, "VOIDED");
  EXPECT_EQ(payment_of(booked_hold)->status, "CAPTURED");
}

}  // namespace
}  // namespace itest
