// Every way a hold ends without becoming a reservation writes one
// seat.released of one shape, {show_id, hold_id, user_id, seat_ids, reason},
// through the real stack: the customer's release, a replacement (inside the
// hold procedure), an expiry seen by confirm, the sweeper, a show
// cancellation, a waiting-list offer that lapses, a declined waiting-list
// charge. The audit record, the live seat map and the waiting list all hear of
// the freed seats from that event.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "booking_fixtures.h"
#include "fixtures.h"
#include "worker_run.h"

namespace itest {
namespace {

using std::chrono::milliseconds;

struct Released {
  std::string reason;
  std::string seat_ids;  // JSON array as stored
  bool shape_ok = false;
};

// The seat.released rows of one hold, oldest first.
std::vector<Released> released_of(int64_t hold_id) {
  auto rows = sql_rows(
      "SELECT JSON_VALUE(payload, '$.data.reason'), JSON_COMPACT(JSON_EXTRACT(payload, "
      "'$.data.seat_ids')), JSON_LENGTH(JSON_EXTRACT(payload, '$.data')) = 5 AND "
      "JSON_CONTAINS_PATH(payload, 'all', '$.data.show_id', '$.data.hold_id', '$.data.user_id', "
      "'$.data.seat_ids', '$.data.reason') AND aggregate_type = 'show' AND "
      "JSON_VALUE(payload, '$.data.show_id') = aggregate_id FROM outbox WHERE event_type = "
      "'seat.released' AND CAST(JSON_VALUE(payload, '$.data.hold_id') AS SIGNED) = ? ORDER BY id",
      hold_id);
  std::vector<Released> out;
  for (const auto& r : rows) out.push_back({r[0].value_or(""), r[1].value_or(""), r[2] == "1"});
  return out;
}

void expect_one_released(int64_t hold_id, const std::string& reason,
                         const std::vector<int64_t>& seats) {
  auto rows = released_of(hold_id);
  ASSERT_EQ(rows.size(), 1u) << "hold " << hold_id << " ended with " << rows.size()
                             << " seat.released events";
  EXPECT_EQ(rows[0].reason, reason);
  EXPECT_EQ(rows[0].seat_ids, ids_json(sorted(seats)));
  EXPECT_TRUE(rows[0].shape_ok) << "seat.released of hold " << hold_id << " has another shape";
}

int64_t hold_id_of(const HttpResponse& h) {
  EXPECT_EQ(h.status, 201) << h.describe();
  return json_int(h, "hold_id").value_or(0);
}

bool expired(int64_t hold_id) {
  return sql_int("SELECT expires_at <= NOW(3) FROM holds WHERE id = ?", hold_id) == 1;
}

TEST(HoldEndEvents, ReleaseByTheCustomer) {
  Venue v = make_venue(1, 4);
  auto seats = hall_seat_ids(v.hall_id);
  Actor a = new_customer("end-release");
  int64_t h = hold_id_of(hold_seats(a, v.show_id, {seats[0], seats[1]}));
  ASSERT_EQ(release_hold(a, v.show_id, h).status, 204);
  expect_one_released(h, "released", {seats[0], seats[1]});
  EXPECT_EQ(seat_map(v.show_id).status_of(seats[0]), "FREE");
}

TEST(HoldEndEvents, ReplacementByANewHold) {
  Venue v = make_venue(1, 4);
  auto seats = hall_seat_ids(v.hall_id);
  Actor a = new_customer("end-replace");
  int64_t first = hold_id_of(hold_seats(a, v.show_id, {seats[0], seats[1]}));
  int64_t second = hold_id_of(hold_seats(a, v.show_id, {seats[3]}));
  ASSERT_NE(first, second);
  expect_one_released(first, "replaced", {seats[0], seats[1]});
  EXPECT_TRUE(released_of(second).empty());
}

TEST(HoldEndEvents, ExpirySeenByConfirm) {
  Venue v = make_venue(1, 2);
  auto seats = hall_seat_ids(v.hall_id);
  Actor a = new_customer("end-confirm");
  int64_t h = hold_id_of(hold_seats(a, v.show_id, {seats[0]}));
  ASSERT_TRUE(wait_until(milliseconds(10000), [&] { return expired(h); }));
  HttpResponse c = confirm(a, v.show_id, h);
  EXPECT_EQ(c.status, 410) << c.describe();
  EXPECT_EQ(sql_int("SELECT status = 'EXPIRED' FROM holds WHERE id = ?", h), 1);
  EXPECT_EQ(sql_int("SELECT status = 'FREE' FROM show_seats WHERE show_id = ? AND seat_id = ?",
                    v.show_id, seats[0]),
            1);
  expect_one_released(h, "expired", {seats[0]});
  // A second confirm changes nothing and writes nothing.
  EXPECT_EQ(confirm(a, v.show_id, h).status, 410);
  EXPECT_EQ(released_of(h).size(), 1u);
}

TEST(HoldEndEvents, TheSweeper) {
  Venue v = make_venue(1, 2);
  auto seats = hall_seat_ids(v.hall_id);
  Actor a = new_customer("end-sweep");
  int64_t h = hold_id_of(hold_seats(a, v.show_id, {seats[0], seats[1]}));
  ASSERT_TRUE(wait_until(milliseconds(10000), [&] { return expired(h); }));
  ASSERT_EQ(run_worker("--once"), 0);
  EXPECT_EQ(sql_int("SELECT status = 'EXPIRED' FROM holds WHERE id = ?", h), 1);
  expect_one_released(h, "expired", {seats[0], seats[1]});
}

TEST(HoldEndEvents, AShowCancellation) {
  Venue v = make_venue(1, 3);
  auto seats = hall_seat_ids(v.hall_id);
  Actor a = new_customer("end-showcancel");
  int64_t h = hold_id_of(hold_seats(a, v.show_id, {seats[2]}));
  HttpResponse c =
      post(show_url(v.show_id, "/cancel"), R"({"reason":"projector broke"})", v.owner.auth());
  ASSERT_EQ(c.status, 200) << c.describe();
  EXPECT_NE(c.body.find("\"released_holds\":1"), std::string::npos) << c.body;
  EXPECT_EQ(sql_int("SELECT status = 'RELEASED' FROM holds WHERE id = ?", h), 1);
  expect_one_released(h, "show_cancelled", {seats[2]});
}

TEST(HoldEndEvents, AWaitingListOfferThatLapses) {
  Venue v = make_venue(1, 1);
  int64_t seat = hall_seat_ids(v.hall_id)[0];
  Actor holder = new_customer("end-offer-holder");
  int64_t r = book(holder, v.show_id, {seat});
  Actor waiting = new_customer("end-offer-wait");
  ASSERT_EQ(post(show_url(v.show_id, "/waitlist"), R"({"seats":1})", waiting.auth()).status, 201);
  ASSERT_EQ(del(reservation_url(r), "", holder.auth()).status, 200);
  const std::string offer = "CINEMA_WAITLIST_MODE=offer CINEMA_OFFER_TTL_SECONDS=1";
  ASSERT_EQ(run_worker("--once", offer), 0);
  int64_t h = sql_int(
      "SELECT hold_id FROM waitlist_entries WHERE user_id = ? AND show_id = ? AND status = "
      "'OFFERED'",
      waiting.id(), v.show_id);
  ASSERT_GT(h, 0);
  ASSERT_TRUE(wait_until(milliseconds(10000), [&] { return expired(h); }));
  ASSERT_EQ(run_worker("--once", offer), 0);
  EXPECT_EQ(sql_int("SELECT status = 'EXPIRED' FROM waitlist_entries WHERE hold_id = ?", h), 1);
  expect_one_released(h, "expired", {seat});
}

TEST(HoldEndEvents, ADeclinedWaitingListCharge) {
  Venue v = make_venue(1, 1);
  int64_t seat = hall_seat_ids(v.hall_id)[0];
  Actor holder = new_customer("end-decline-holder");
  int64_t r = book(holder, v.show_id, {seat});
  Actor waiting = new_customer("end-decline-wait");
  ASSERT_EQ(post(show_url(v.show_id, "/waitlist"), R"({"seats":1,"payment_token":"tok_decline"})",
                 waiting.auth())
                .status,
            201);
  ASSERT_EQ(del(reservation_url(r), "", holder.auth()).status, 200);
  ASSERT_EQ(run_worker("--once"), 0);
  int64_t h = sql_int(
      "SELECT hold_id FROM waitlist_entries WHERE user_id = ? AND show_id = ? AND status = "
      "'PAYMENT_FAILED'",
      waiting.id(), v.show_id);
  ASSERT_GT(h, 0);
  expect_one_released(h, "payment_declined", {seat});
}

}  // namespace
}  // namespace itest
