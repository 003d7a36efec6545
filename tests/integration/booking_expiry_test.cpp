// Hold expiry (CINEMA_HOLD_TTL_SECONDS=3 in the test profile): an expired hold
// frees its seats and cannot be confirmed; a new hold replaces the
// customer's previous one, and concurrent holds of one customer leave one.
// Timing-dependent steps poll with bounds; nothing asserts on wall-clock speed.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "booking_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

using std::chrono::milliseconds;

TEST(Booking, ExpiredHoldFreesTheSeatAndCannotBeConfirmed) {
  Venue v = make_venue(2, 3);
  Actor a = new_customer("expire-a");
  Actor b = new_customer("expire-b");
  const int64_t seat = hall_seat_ids(v.hall_id).at(1);

  HttpResponse held = hold_seats(a, v.show_id, {seat});
  ASSERT_EQ(held.status, 201) << held.describe();
  const int64_t hold_a = json_int(held, "hold_id").value_or(0);
  EXPECT_FALSE(json_string(held, "expires_at").empty()) << held.describe();

  std::string status;
  ASSERT_TRUE(wait_until(milliseconds(15000),
                         [&] {
                           status = seat_map(v.show_id).status_of(seat);
                           return status == "FREE";
                         }))
      << "the held seat did not show FREE within 15 s (TTL 3 s); last status " << status;

  HttpResponse taken = hold_seats(b, v.show_id, {seat});
  ASSERT_EQ(taken.status, 201) << "a seat of an expired hold must be holdable: "
                               << taken.describe();
  const int64_t hold_b = json_int(taken, "hold_id").value_or(0);

  HttpResponse late = confirm(a, v.show_id, hold_a);
  EXPECT_TRUE(IsProblem(late, 410)) << "confirming an expired hold";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold_a), 0);
  // B's hold is untouched by A's failed confirm.
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND seat_id = ? AND hold_id = ?",
              v.show_id, seat, hold_b),
      1);
  HttpResponse ok = confirm(b, v.show_id, hold_b);
  EXPECT_EQ(ok.status, 201) << ok.describe();
  EXPECT_EQ(seat_map(v.show_id).status_of(seat), "RESERVED");
}

// A new hold replaces the customer's previous one on the show: its seats go
// FREE and its seat.released event lists exactly the seats it still had. A
// live hold has all of them; an expired one may have lost some to others.
TEST(Booking, ReplacingAHoldReleasesExactlyTheSeatsItStillHad) {
  Venue v = make_venue(2, 5);
  Actor a = new_customer("replace-a");
  Actor b = new_customer("replace-b");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  auto released_seats = [&](int64_t hold_id) {
    auto rows = sql_rows(
        "SELECT JSON_EXTRACT(payload, '$.data.seat_ids') FROM outbox WHERE event_type = "
        "'seat.released' AND CAST(JSON_VALUE(payload, '$.data.hold_id') AS SIGNED) = ?",
        hold_id);
    std::vector<int64_t> out;
    if (rows.size() != 1 || !rows[0][0]) return std::vector<int64_t>{-1};  // no single event
    rapidjson::Document d;
    d.Parse(rows[0][0]->c_str());
    if (!d.IsArray()) return std::vector<int64_t>{-2};
    for (const auto& x : d.GetArray()) out.push_back(x.GetInt64());
    return out;
  };

  // Live: all of its seats come back.
  HttpResponse first = hold_seats(a, v.show_id, {ids[1], ids[0]});
  ASSERT_EQ(first.status, 201) << first.describe();
  const int64_t hold1 = json_int(first, "hold_id").value_or(0);
  HttpResponse second = hold_seats(a, v.show_id, {ids[2]});
  ASSERT_EQ(second.status, 201) << second.describe();
  const int64_t hold2 = json_int(second, "hold_id").value_or(0);
  EXPECT_EQ(released_seats(hold1), (std::vector<int64_t>{ids[0], ids[1]}));
  SeatMap map = seat_map(v.show_id);
  EXPECT_EQ(map.status_of(ids[0]), "FREE");
  EXPECT_EQ(map.status_of(ids[1]), "FREE");
  EXPECT_EQ(map.status_of(ids[2]), "HELD");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE show_id = ? AND user_id = ? AND "
                    "status = 'ACTIVE'",
                    v.show_id, a.id()),
            1);

  // Expired, and one of its seats taken by someone else meanwhile: only the
  // other seat is released, and the other customer's hold is untouched.
  HttpResponse third = hold_seats(a, v.show_id, {ids[3], ids[4]});
  ASSERT_EQ(third.status, 201) << third.describe();
  const int64_t hold3 = json_int(third, "hold_id").value_or(0);
  EXPECT_EQ(released_seats(hold2), std::vector<int64_t>{ids[2]});
  ASSERT_TRUE(wait_until(milliseconds(15000),
                         [&] { return seat_map(v.show_id).status_of(ids[3]) == "FREE"; }))
      << "hold " << hold3 << " did not expire within 15 s (TTL 3 s)";
  HttpResponse taken = hold_seats(b, v.show_id, {ids[3]});
  ASSERT_EQ(taken.status, 201) << taken.describe();
  const int64_t hold_b = json_int(taken, "hold_id").value_or(0);
  HttpResponse fourth = hold_seats(a, v.show_id, {ids[5]});
  ASSERT_EQ(fourth.status, 201) << fourth.describe();
  EXPECT_EQ(released_seats(hold3), std::vector<int64_t>{ids[4]});
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND seat_id = ? AND "
                    "hold_id = ? AND status = 'HELD'",
                    v.show_id, ids[3], hold_b),
            1);
}

// One customer's holds on one show racing each other (double clicks, several
// tabs): each ends 201 or 409, never 5xx; afterwards exactly one hold is
// active, it has its seats, and no seat is left HELD by a replaced hold.
TEST(Booking, ConcurrentHoldsOfOneCustomerLeaveExactlyOneActiveHold) {
  Venue v = make_venue(2, 8);
  Actor a = new_customer("tabs");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  constexpr int kTabs = 8;
  std::vector<int> status(kTabs, 0);
  std::vector<std::thread> tabs;
  for (int t = 0; t < kTabs; ++t) {
    tabs.emplace_back([&, t] {
      HttpResponse r = hold_seats(
          a, v.show_id, {ids[static_cast<size_t>(2 * t)], ids[static_cast<size_t>(2 * t + 1)]});
      status[static_cast<size_t>(t)] = r.status;
    });
  }
  for (auto& t : tabs) t.join();
  int placed = 0;
  for (int s : status) {
    EXPECT_TRUE(s == 201 || s == 409) << "status " << s;
    if (s == 201) ++placed;
  }
  EXPECT_GE(placed, 1);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM holds WHERE show_id = ? AND user_id = ? AND status = 'ACTIVE'",
              v.show_id, a.id()),
      1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats ss JOIN holds h ON h.id = ss.hold_id "
                    "WHERE ss.show_id = ? AND ss.status = 'HELD' AND h.status <> 'ACTIVE'",
                    v.show_id),
            0)
      << "seats still HELD by a hold that is no longer active";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats ss JOIN holds h ON h.id = ss.hold_id "
                    "WHERE ss.show_id = ? AND ss.status = 'HELD' AND h.status = 'ACTIVE'",
                    v.show_id),
            2)
      << "the active hold should have its two seats";
}

}  // namespace
}  // namespace itest
