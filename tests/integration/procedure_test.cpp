// place_hold_v3 (migrations/0009) called directly, one test per outcome: the
// hold function maps these outcomes to HTTP, so each must be what it says.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cinema/outbox.h"
#include "fixtures.h"

namespace itest {
namespace {

using Row = std::map<std::string, std::optional<std::string>>;

Row place(int64_t show_id, int64_t user_id, std::vector<int64_t> seats, int64_t max_held = 20) {
  std::sort(seats.begin(), seats.end());
  std::vector<cinema::Session::Param> params{
      show_id,      user_id,           std::string("CUSTOMER"), ids_json(seats),
      int64_t{600}, cinema::uuid_v4(), cinema::uuid_v4(),       std::string("it-procedure"),
      max_held};
  return stack_db().self_committing([&](cinema::Session& s) {
    return s.call_list("CALL place_hold_v3(" + cinema::placeholders(params.size()) + ")", params);
  });
}

std::string outcome(const Row& r) {
  auto it = r.find("outcome");
  return it == r.end() ? "<none>" : it->second.value_or("<null>");
}

TEST(PlaceHold, OkReturnsTheHoldAndWritesItsEvent) {
  Venue v = make_venue(1, 3);
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  Actor c = new_customer("proc-ok");
  Row r = place(v.show_id, c.id(), {seats[0], seats[1]});
  ASSERT_EQ(outcome(r), "OK");
  int64_t hold = static_cast<int64_t>(std::stoll(r["hold_id"].value_or("0")));
  EXPECT_GT(hold, 0);
  EXPECT_EQ(r["total_cents"], "2000");
  EXPECT_EQ(r["currency"], "EUR");
  EXPECT_FALSE(r["released_payload"].has_value()) << "nothing replaced";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE hold_id = ? AND status = 'HELD'", hold),
            2);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM outbox WHERE event_type = 'seat.held' AND actor_id = ? "
                    "AND request_id = 'it-procedure' AND "
                    "CAST(JSON_VALUE(payload, '$.data.hold_id') AS SIGNED) = ?",
                    c.id(), hold),
            1);
}

TEST(PlaceHold, ASecondHoldReplacesTheFirst) {
  Venue v = make_venue(1, 3);
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  Actor c = new_customer("proc-replace");
  Row first = place(v.show_id, c.id(), {seats[0]});
  ASSERT_EQ(outcome(first), "OK");
  Row second = place(v.show_id, c.id(), {seats[2]});
  ASSERT_EQ(outcome(second), "OK");
  ASSERT_TRUE(second["released_payload"].has_value());
  EXPECT_NE(second["released_payload"]->find("\"reason\": \"replaced\""), std::string::npos)
      << *second["released_payload"];
  EXPECT_EQ(sql_int("SELECT status = 'RELEASED' FROM holds WHERE id = ?",
                    static_cast<int64_t>(std::stoll(first["hold_id"].value_or("0")))),
            1);
  EXPECT_EQ(seat_map(v.show_id).status_of(seats[0]), "FREE");
  EXPECT_EQ(seat_map(v.show_id).status_of(seats[2]), "HELD");
}

TEST(PlaceHold, TakenSeatsAreUnavailableAndNothingIsWritten) {
  Venue v = make_venue(1, 3);
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  Actor a = new_customer("proc-a");
  Actor b = new_customer("proc-b");
  ASSERT_EQ(outcome(place(v.show_id, a.id(), {seats[1]})), "OK");
  int64_t holds_before = sql_int("SELECT COUNT(*) FROM holds WHERE user_id = ?", b.id());
  Row r = place(v.show_id, b.id(), {seats[0], seats[1]});
  EXPECT_EQ(outcome(r), "UNAVAILABLE");
  EXPECT_EQ(r["unavailable"], "[" + std::to_string(seats[1]) + "]");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE user_id = ?", b.id()), holds_before);
  EXPECT_EQ(seat_map(v.show_id).status_of(seats[0]), "FREE") << "all or nothing";
}

TEST(PlaceHold, RefusesWhatCannotBeBooked) {
  Venue v = make_venue(1, 2);
  Venue other = make_venue(1, 1);
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  Actor c = new_customer("proc-refused");
  EXPECT_EQ(outcome(place(999999999, c.id(), {seats[0]})), "NOT_FOUND");
  EXPECT_EQ(outcome(place(v.show_id, c.id(), {hall_seat_ids(other.hall_id)[0]})), "BAD_SEATS");
  EXPECT_EQ(outcome(place(v.show_id, c.id(), {seats[0], seats[1]}, /*max_held=*/1)),
            "TOO_MANY_HELD");
  int64_t cancelled = add_show(v);
  sql_exec("UPDATE shows SET status = 'CANCELLED' WHERE id = ?", cancelled);
  EXPECT_EQ(outcome(place(cancelled, c.id(), {seats[0]})), "CANCELLED");
  start_show_now(v.show_id);
  EXPECT_EQ(outcome(place(v.show_id, c.id(), {seats[0]})), "STARTED");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE user_id = ?", c.id()), 0);
}

}  // namespace
}  // namespace itest
