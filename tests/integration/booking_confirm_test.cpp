// The end of a hold: confirm (one reservation, idempotent with or without an
// Idempotency-Key, a declined payment keeps the hold) or release by its holder.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "booking_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

// ------------------------------------------------------------------ confirm

TEST(Booking, ConfirmCreatesOneReservationAndIsIdempotent) {
  Venue v = make_layout_venue({"SSSS", "VVVV", "SSSS"}, 1000);
  Actor c = new_customer("confirm");
  SeatMap m = seat_map(v.show_id);
  ASSERT_TRUE(m.ok()) << m.response.describe();
  const std::vector<int64_t> standard = m.ids_of_type("STANDARD");
  const std::vector<int64_t> vip = m.ids_of_type("VIP");
  ASSERT_GE(standard.size(), 4u);
  ASSERT_GE(vip.size(), 2u);
  const std::vector<int64_t> seats = {standard[0], vip[0]};
  const int64_t expected_total = m.find(standard[0])->price_cents + m.find(vip[0])->price_cents;

  // With an Idempotency-Key.
  HttpResponse h = hold_seats(c, v.show_id, seats);
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);
  EXPECT_EQ(json_int(h, "total_cents").value_or(-1), expected_total);
  const std::string key = unique_token("idem");
  HttpResponse first = confirm(c, v.show_id, hold_id, key);
  ASSERT_EQ(first.status, 201) << first.describe();
  const int64_t reservation = json_int(first, "reservation_id").value_or(0);
  EXPECT_GT(reservation, 0);
  EXPECT_EQ(json_string(first, "status"), "CONFIRMED");
  EXPECT_EQ(sorted(json_ids(first, "seat_ids")), sorted(seats));
  EXPECT_EQ(json_int(first, "total_cents").value_or(-1), expected_total)
      << "total is not the sum of the seat prices";
  EXPECT_EQ(json_string(first, "currency"), "EUR");
  SeatMap after = seat_map(v.show_id);
  for (int64_t s : seats) EXPECT_EQ(after.status_of(s), "RESERVED") << "seat " << s;

  HttpResponse again = confirm(c, v.show_id, hold_id, key);
  // A replay with the same key is the first answer again, to the byte.
  EXPECT_EQ(again.status, 201) << again.describe();
  EXPECT_EQ(again.body, first.body) << "replay with the same key";
  HttpResponse no_key = confirm(c, v.show_id, hold_id);
  EXPECT_EQ(no_key.status, 200) << no_key.describe();
  EXPECT_EQ(json_int(no_key, "reservation_id").value_or(-1), reservation);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold_id), 1);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM reservation_seats WHERE reservation_id = ? AND active = 1",
              reservation),
      2);
  EXPECT_EQ(sql_int("SELECT total_cents FROM reservations WHERE id = ?", reservation),
            expected_total);

  // The same key for a different request is refused, and books nothing.
  HttpResponse h2 = hold_seats(c, v.show_id, {standard[1]});
  ASSERT_EQ(h2.status, 201) << h2.describe();
  const int64_t hold2 = json_int(h2, "hold_id").value_or(0);
  HttpResponse reused = confirm(c, v.show_id, hold2, key);
  EXPECT_TRUE(reused.status >= 400 && reused.status < 500 && IsProblem(reused, reused.status))
      << "an Idempotency-Key reused for another hold: " << reused.describe();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold2), 0);

  // Without a key: a retry answers 200 with the same reservation.
  HttpResponse plain = confirm(c, v.show_id, hold2);
  ASSERT_EQ(plain.status, 201) << plain.describe();
  const int64_t reservation2 = json_int(plain, "reservation_id").value_or(0);
  HttpResponse retry = confirm(c, v.show_id, hold2);
  EXPECT_EQ(retry.status, 200) << retry.describe();
  EXPECT_EQ(json_int(retry, "reservation_id").value_or(-1), reservation2);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold2), 1);

  // Another user cannot confirm this user's hold.
  Actor stranger = new_customer("confirm-stranger");
  HttpResponse h3 = hold_seats(c, v.show_id, {standard[2]});
  ASSERT_EQ(h3.status, 201) << h3.describe();
  const int64_t hold3 = json_int(h3, "hold_id").value_or(0);
  EXPECT_TRUE(IsProblem(confirm(stranger, v.show_id, hold3), 404));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold3), 0);
}

TEST(Booking, DeclinedPaymentKeepsTheHoldForALaterConfirm) {
  Venue v = make_venue(2, 4);
  Actor c = new_customer("decline");
  const int64_t seat = hall_seat_ids(v.hall_id).at(2);
  HttpResponse h = hold_seats(c, v.show_id, {seat});
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);

  HttpResponse declined = confirm(c, v.show_id, hold_id, "", "tok_decline");
  EXPECT_TRUE(IsProblem(declined, 402)) << "payment_token tok_decline";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold_id), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'ACTIVE'", hold_id), 1);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM show_seats WHERE hold_id = ? AND status = 'HELD'", hold_id), 1);

  HttpResponse paid = confirm(c, v.show_id, hold_id, "", "tok_visa");
  ASSERT_EQ(paid.status, 201) << "the hold must still work after a declined payment: "
                              << paid.describe();
  EXPECT_EQ(json_string(paid, "status"), "CONFIRMED");
  EXPECT_EQ(seat_map(v.show_id).status_of(seat), "RESERVED");
}

// ------------------------------------------------------------------ release

TEST(Booking, ReleaseFreesSeatsAndOnlyForTheHolder) {
  Venue v = make_venue(2, 3);
  Actor a = new_customer("release-a");
  Actor b = new_customer("release-b");
  const std::vector<int64_t> seats = {hall_seat_ids(v.hall_id).at(0),
                                      hall_seat_ids(v.hall_id).at(1)};
  HttpResponse h = hold_seats(a, v.show_id, seats);
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);
  EXPECT_EQ(seat_map(v.show_id).status_of(seats[0]), "HELD");

  EXPECT_TRUE(IsProblem(release_hold(b, v.show_id, hold_id), 404)) << "another user's hold";
  EXPECT_TRUE(IsProblem(release_hold(a, kMissingId, hold_id), 404)) << "hold under another show id";
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM show_seats WHERE hold_id = ? AND status = 'HELD'", hold_id), 2)
      << "a refused release freed seats";

  HttpResponse released = release_hold(a, v.show_id, hold_id);
  EXPECT_EQ(released.status, 204) << released.describe();
  SeatMap m = seat_map(v.show_id);
  for (int64_t s : seats) EXPECT_EQ(m.status_of(s), "FREE") << "seat " << s;
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'RELEASED'", hold_id), 1);
  EXPECT_TRUE(IsProblem(confirm(a, v.show_id, hold_id), 409)) << "confirming a released hold";
  // B can now hold them.
  EXPECT_EQ(hold_seats(b, v.show_id, seats).status, 201);
}

}  // namespace
}  // namespace itest
