// The outbox and audit rows of holds, confirms, cancellations and releases:
// request paths write them and publish nothing; the worker's relay publishes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "booking_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"
#include "worker_run.h"

namespace itest {
namespace {

// The audit trail's entries for a change: its events are its audit record
// (one row per fact), found by action and an id in the event's data.
int64_t feed_count(const std::string& action, const char* id_field, int64_t id, int64_t actor) {
  return sql_int(std::string("SELECT COUNT(*) FROM audit_feed WHERE action = ? AND actor_id = ? "
                             "AND request_id IS NOT NULL AND source = 'event' AND "
                             "CAST(JSON_VALUE(after_json, '$.") +
                     id_field + "') AS SIGNED) = ?",
                 action, actor, id);
}

TEST(Booking, HoldConfirmCancelAndReleaseWriteOutboxAndAuditRows) {
  Venue v = make_venue(2, 3);
  Actor c = new_customer("outbox");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);

  HttpResponse h = hold_seats(c, v.show_id, {ids[0], ids[1]});
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);
  EXPECT_EQ(outbox_rows("seat.held", "hold_id", hold_id), 1) << "seat.held for hold " << hold_id;
  EXPECT_EQ(feed_count("seat.held", "hold_id", hold_id, c.id()), 1) << "audit of hold " << hold_id;
  EXPECT_EQ(audit_count("hold", hold_id), 0)
      << "one row per fact: no audit_log row besides the event";

  HttpResponse c1 = confirm(c, v.show_id, hold_id);
  ASSERT_EQ(c1.status, 201) << c1.describe();
  const int64_t reservation = json_int(c1, "reservation_id").value_or(0);
  EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", reservation), 1);
  EXPECT_EQ(feed_count("booking.confirmed", "id", reservation, c.id()), 1);
  // A replayed confirm writes nothing new.
  EXPECT_EQ(confirm(c, v.show_id, hold_id).status, 200);
  EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", reservation), 1);

  ASSERT_EQ(del(reservation_url(reservation), "", c.auth()).status, 200);
  EXPECT_EQ(outbox_rows("booking.cancelled", "reservation_id", reservation), 1);
  EXPECT_EQ(outbox_rows("seat.released", "reservation_id", reservation), 1);
  EXPECT_EQ(feed_count("booking.cancelled", "reservation_id", reservation, c.id()), 1);
  EXPECT_EQ(audit_count("reservation", reservation), 0);

  HttpResponse h2 = hold_seats(c, v.show_id, {ids[2]});
  ASSERT_EQ(h2.status, 201) << h2.describe();
  const int64_t hold2 = json_int(h2, "hold_id").value_or(0);
  ASSERT_EQ(release_hold(c, v.show_id, hold2).status, 204);
  EXPECT_EQ(outbox_rows("seat.held", "hold_id", hold2), 1);
  EXPECT_EQ(outbox_rows("seat.released", "hold_id", hold2), 1);
  EXPECT_EQ(feed_count("seat.held", "hold_id", hold2, c.id()), 1);
  EXPECT_EQ(feed_count("seat.released", "hold_id", hold2, c.id()), 1);

  // Refused operations write no events.
  const std::string events_sql =
      "SELECT COUNT(*) FROM outbox WHERE (aggregate_type = 'show' AND aggregate_id = ?) OR "
      "(aggregate_type = 'reservation' AND aggregate_id = ?)";
  const int64_t events = sql_int(events_sql, v.show_id, reservation);
  EXPECT_TRUE(IsProblem(del(reservation_url(reservation), "", c.auth()), 409));
  EXPECT_EQ(hold_seats(new_customer("outbox-late"), v.show_id, {ids[0], ids[0]}).status, 400);
  EXPECT_EQ(sql_int(events_sql, v.show_id, reservation), events);
}

// Request paths publish nothing: the outbox row is the durability, and the
// worker's relay publishes it. The test stack runs no worker scheduler, so
// the rows stay unpublished until a relay runs.
TEST(Booking, RequestPathsPublishNothingTheRelayPublishesEverything) {
  Venue v = make_venue(1, 4);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor a = new_customer("outbox-only");
  HttpResponse h = hold_seats(a, v.show_id, {ids[0]});
  ASSERT_EQ(h.status, 201) << h.describe();
  int64_t hold = json_int(h, "hold_id").value_or(0);
  HttpResponse c = confirm(a, v.show_id, hold);
  ASSERT_EQ(c.status, 201) << c.describe();
  int64_t reservation = json_int(c, "reservation_id").value_or(0);
  // Later requests of other customers do not mark them either.
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(
        hold_seats(new_customer("outbox-other"), v.show_id, {ids[static_cast<size_t>(i)]}).status,
        201);
  }
  EXPECT_EQ(outbox_rows("seat.held", "hold_id", hold, /*unpublished_only=*/true), 1);
  EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", reservation, true), 1);
  ASSERT_EQ(run_worker(), 0);
  EXPECT_EQ(outbox_rows("seat.held", "hold_id", hold, true), 0);
  EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", reservation, true), 0);
}

}  // namespace
}  // namespace itest
