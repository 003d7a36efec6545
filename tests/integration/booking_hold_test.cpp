// Placing a hold: requests refused (bad seats, bad bodies, unknown or started
// shows, wrong callers) leave no trace, and best available picks adjacent
// seats in one row around the ones others hold.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "booking_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

// ------------------------------------------------------------------ validation

TEST(Booking, HoldRejectsBadRequestsAndLeavesNoTrace) {
  Venue v = make_venue(3, 4);
  Venue elsewhere = make_venue(2, 2);
  int64_t started = add_show(v);
  Actor c = new_customer("hold-bad");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  std::vector<int64_t> foreign = hall_seat_ids(elsewhere.hall_id);
  ASSERT_EQ(ids.size(), 12u);
  const int64_t holds_before = holds_of_show(v.show_id);

  // A seat of another hall's show, alone and next to a valid seat.
  for (const auto& seats :
       {std::vector<int64_t>{foreign[0]}, std::vector<int64_t>{ids[0], foreign[1]},
        std::vector<int64_t>{kMissingId}}) {
    HttpResponse r = hold_seats(c, v.show_id, seats);
    // Not seats of this show: 400 (the procedure's BAD_SEATS), never a hold.
    EXPECT_TRUE(IsProblem(r, 400)) << "seats " << join(seats) << ": " << r.describe();
  }
  std::vector<int64_t> eleven(ids.begin(), ids.begin() + 11);
  std::vector<int64_t> ten(ids.begin(), ids.begin() + 10);
  struct Bad {
    const char* what;
    std::string body;
  };
  for (const Bad& b : std::vector<Bad>{
           {"duplicate seat ids",
            JsonObj().raw("seat_ids", ids_json({ids[0], ids[1], ids[0]})).str()},
           {"11 seats", JsonObj().raw("seat_ids", ids_json(eleven)).str()},
           {"no seats", JsonObj().raw("seat_ids", "[]").str()},
           {"seat ids as strings", JsonObj().raw("seat_ids", "[\"1\"]").str()},
           {"seat_ids and count",
            JsonObj().raw("seat_ids", ids_json({ids[0]})).i("count", 1).str()},
           {"count 0", JsonObj().i("count", 0).str()},
           {"count 11", JsonObj().i("count", 11).str()},
           {"unknown field", JsonObj().raw("seat_ids", ids_json({ids[0]})).i("user_id", 1).str()},
           {"empty object", "{}"},
       }) {
    EXPECT_TRUE(IsProblem(post(show_url(v.show_id, "/hold"), b.body, c.auth()), 400)) << b.what;
  }
  EXPECT_TRUE(IsProblem(hold_seats(c, kMissingId, {ids[0]}), 404)) << "unknown show";
  start_show_now(started);
  EXPECT_TRUE(IsProblem(hold_seats(c, started, {ids[0]}), 409)) << "show already started";
  EXPECT_TRUE(IsProblem(hold_best(c, started, 2, true), 409)) << "best available, show started";
  EXPECT_TRUE(IsProblem(
      post(show_url(v.show_id, "/hold"), JsonObj().raw("seat_ids", ids_json({ids[0]})).str()), 401))
      << "anonymous";
  EXPECT_TRUE(IsProblem(hold_seats(v.owner, v.show_id, {ids[0]}), 403))
      << "an owner is not a customer";

  EXPECT_EQ(holds_of_show(v.show_id), holds_before) << "a refused hold left a hold row";
  EXPECT_EQ(holds_of_show(started), 0);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id IN (?, ?, ?) AND status <> 'FREE'",
              v.show_id, started, elsewhere.show_id),
      0);
  SeatMap m = seat_map(v.show_id);
  ASSERT_TRUE(m.ok()) << m.response.describe();
  for (const Seat& s : m.seats) EXPECT_EQ(s.status, "FREE") << "seat " << s.id;

  // Control: ten distinct seats are fine.
  HttpResponse ok = hold_seats(c, v.show_id, ten);
  EXPECT_EQ(ok.status, 201) << ok.describe();
}

// ------------------------------------------------------------------ best available

TEST(Booking, BestAvailableTogetherPicksAdjacentSeatsInOneRow) {
  Venue v = make_venue(6, 8);
  Actor blocker = new_customer("blocker");
  Actor c = new_customer("best");
  SeatMap before = seat_map(v.show_id);
  ASSERT_TRUE(before.ok()) << before.response.describe();
  // Take the middle of the rows the picker likes best, so it has to look elsewhere.
  std::vector<int64_t> blocked;
  for (const Seat& s : before.seats) {
    if ((s.grid_row == 3 || s.grid_row == 4) && s.grid_col >= 3 && s.grid_col <= 6)
      blocked.push_back(s.id);
  }
  ASSERT_EQ(blocked.size(), 8u);
  HttpResponse block = hold_seats(blocker, v.show_id, blocked);
  ASSERT_EQ(block.status, 201) << block.describe();
  const int64_t block_hold = json_int(block, "hold_id").value_or(0);

  HttpResponse r = hold_best(c, v.show_id, 3, true);
  ASSERT_EQ(r.status, 201) << r.describe();
  std::vector<int64_t> got = json_ids(r, "seat_ids");
  ASSERT_EQ(got.size(), 3u) << r.describe();
  EXPECT_EQ(json_int(r, "total_cents").value_or(-1), 3000) << r.describe();

  std::vector<const Seat*> seats;
  for (int64_t id : got) {
    const Seat* s = before.find(id);
    ASSERT_NE(s, nullptr) << "seat " << id << " is not in the show";
    seats.push_back(s);
  }
  std::sort(seats.begin(), seats.end(),
            [](const Seat* x, const Seat* y) { return x->grid_col < y->grid_col; });
  EXPECT_EQ(seats[0]->grid_row, seats[1]->grid_row);
  EXPECT_EQ(seats[1]->grid_row, seats[2]->grid_row);
  EXPECT_EQ(seats[1]->grid_col, seats[0]->grid_col + 1);
  EXPECT_EQ(seats[2]->grid_col, seats[1]->grid_col + 1);

  // Unless the blocker's hold had already expired, the picker avoided it.
  bool block_live = sql_int(
                        "SELECT COUNT(*) FROM holds b, holds n WHERE b.id = ? AND n.id = ? AND "
                        "b.expires_at > n.created_at",
                        block_hold, json_int(r, "hold_id").value_or(0)) == 1;
  if (block_live) {
    for (int64_t id : got) {
      EXPECT_EQ(std::count(blocked.begin(), blocked.end(), id), 0) << "picked a held seat " << id;
    }
  }
  SeatMap after = seat_map(v.show_id);
  for (int64_t id : got) EXPECT_EQ(after.status_of(id), "HELD") << "seat " << id;

  // Scattered picks are distinct seats too.
  Actor d = new_customer("scattered");
  HttpResponse s = hold_best(d, v.show_id, 4, false);
  ASSERT_EQ(s.status, 201) << s.describe();
  std::vector<int64_t> scattered = json_ids(s, "seat_ids");
  EXPECT_EQ(std::set<int64_t>(scattered.begin(), scattered.end()).size(), 4u);
  bool got_live = sql_int(
                      "SELECT COUNT(*) FROM holds b, holds n WHERE b.id = ? AND n.id = ? AND "
                      "b.expires_at > n.created_at",
                      json_int(r, "hold_id").value_or(0), json_int(s, "hold_id").value_or(0)) == 1;
  if (got_live) {
    for (int64_t id : scattered) EXPECT_EQ(std::count(got.begin(), got.end(), id), 0);
  }
}

}  // namespace
}  // namespace itest
