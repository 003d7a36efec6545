// Reservations and the seat map: who sees and cancels a reservation (its
// customer, the cinema's owner, nobody else; not after the start), and a seat
// map that reflects every hold, release, booking and cancellation at once,
// with ETags.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "booking_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

std::string owner_reservation_url(int64_t id) {
  return "/v1/owner/reservations/" + std::to_string(id);
}

// ------------------------------------------------------------------ reservations

TEST(Booking, ReservationsVisibilityCancellationAndOwnerOverride) {
  Venue v = make_venue(3, 4);
  Actor c = new_customer("resv");
  Actor stranger = new_customer("resv-stranger");
  Actor other_owner = new_owner("resv-other-owner");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);

  const int64_t r1 = book(c, v.show_id, {ids[0], ids[1]});

  HttpResponse mine = get("/v1/my-reservations", c.auth());
  ASSERT_EQ(mine.status, 200) << mine.describe();
  std::vector<int64_t> listed = item_ids(mine);
  EXPECT_NE(std::find(listed.begin(), listed.end(), r1), listed.end()) << mine.describe();
  listed = item_ids(get("/v1/my-reservations", stranger.auth()));
  EXPECT_EQ(std::find(listed.begin(), listed.end(), r1), listed.end()) << "listed to a stranger";
  EXPECT_TRUE(IsProblem(get("/v1/my-reservations"), 401));

  HttpResponse own = get(reservation_url(r1), c.auth());
  EXPECT_EQ(own.status, 200) << own.describe();
  EXPECT_EQ(json_string(own, "status"), "CONFIRMED");
  EXPECT_TRUE(IsProblem(get(reservation_url(r1), stranger.auth()), 404)) << "stranger";
  EXPECT_TRUE(IsProblem(get(reservation_url(r1), other_owner.auth()), 404)) << "another owner";
  HttpResponse by_owner = get(reservation_url(r1), v.owner.auth());
  EXPECT_EQ(by_owner.status, 200) << "the cinema's owner: " << by_owner.describe();
  EXPECT_EQ(get(owner_reservation_url(r1), v.owner.auth()).status, 200);
  EXPECT_TRUE(IsProblem(get(owner_reservation_url(r1), other_owner.auth()), 404));

  HttpResponse show_list = get(show_url(v.show_id, "/reservations"), v.owner.auth());
  ASSERT_EQ(show_list.status, 200) << show_list.describe();
  listed = item_ids(show_list);
  EXPECT_NE(std::find(listed.begin(), listed.end(), r1), listed.end()) << show_list.describe();
  EXPECT_TRUE(IsProblem(get(show_url(v.show_id, "/reservations"), other_owner.auth()), 403));

  // Cancel: strangers and other owners cannot, the customer can, once.
  EXPECT_TRUE(IsProblem(del(reservation_url(r1), "", stranger.auth()), 404));
  EXPECT_TRUE(IsProblem(del(reservation_url(r1), "", other_owner.auth()), 404));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE id = ? AND status = 'CONFIRMED'", r1),
            1);
  HttpResponse cancelled = del(reservation_url(r1), "", c.auth());
  ASSERT_EQ(cancelled.status, 200) << cancelled.describe();
  EXPECT_EQ(json_string(cancelled, "status"), "CANCELLED");
  SeatMap m = seat_map(v.show_id);
  EXPECT_EQ(m.status_of(ids[0]), "FREE");
  EXPECT_EQ(m.status_of(ids[1]), "FREE");
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM reservation_seats WHERE reservation_id = ? AND active = 1", r1),
      0);
  EXPECT_TRUE(IsProblem(del(reservation_url(r1), "", c.auth()), 409)) << "cancelling twice";
  // The freed seats can be booked again (the unique active key was released).
  EXPECT_NO_THROW(book(stranger, v.show_id, {ids[0]}));

  // Owner override.
  const int64_t r2 = book(c, v.show_id, {ids[2]});
  EXPECT_TRUE(IsProblem(del(owner_reservation_url(r2), "", other_owner.auth()), 404));
  EXPECT_TRUE(IsProblem(del(owner_reservation_url(r2), "", c.auth()), 403))
      << "customer on the owner route";
  HttpResponse overridden = del(owner_reservation_url(r2), "", v.owner.auth());
  ASSERT_EQ(overridden.status, 200) << overridden.describe();
  EXPECT_EQ(json_string(overridden, "status"), "CANCELLED");
  EXPECT_EQ(seat_map(v.show_id).status_of(ids[2]), "FREE");
  EXPECT_EQ(sql_int("SELECT cancelled_by FROM reservations WHERE id = ?", r2), v.owner.id());

  // After the show has started, the customer can no longer cancel.
  int64_t show2 = add_show(v);
  const int64_t r3 = book(c, show2, {ids[3]});
  start_show_now(show2);
  EXPECT_TRUE(IsProblem(del(reservation_url(r3), "", c.auth()), 409)) << "cancel after the start";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE id = ? AND status = 'CONFIRMED'", r3),
            1);
  EXPECT_EQ(seat_map(show2).status_of(ids[3]), "RESERVED");
}

// ------------------------------------------------------------------ seat map

TEST(Booking, SeatMapReflectsEveryChangeAtOnceAndHonoursETags) {
  Venue v = make_venue(2, 3);
  Actor c = new_customer("seatmap");
  const int64_t seat = hall_seat_ids(v.hall_id).at(4);

  SeatMap m0 = seat_map(v.show_id);
  ASSERT_TRUE(m0.ok()) << m0.response.describe();
  EXPECT_EQ(m0.seats.size(), 6u);
  EXPECT_EQ(m0.status_of(seat), "FREE");
  const std::string e0 = m0.etag();
  ASSERT_FALSE(e0.empty()) << m0.response.describe();
  SeatMap m0b = seat_map(v.show_id, {{"If-None-Match", e0}});
  EXPECT_EQ(m0b.response.status, 304) << m0b.response.describe();
  EXPECT_TRUE(m0b.response.body.empty());

  HttpResponse h = hold_seats(c, v.show_id, {seat});
  ASSERT_EQ(h.status, 201) << h.describe();
  const int64_t hold_id = json_int(h, "hold_id").value_or(0);
  SeatMap m1 = seat_map(v.show_id, {{"If-None-Match", e0}});
  ASSERT_EQ(m1.response.status, 200)
      << "the old ETag matched after a hold: " << m1.response.describe();
  EXPECT_EQ(m1.status_of(seat), "HELD");
  const std::string e1 = m1.etag();
  EXPECT_NE(e1, e0);
  EXPECT_EQ(seat_map(v.show_id, {{"If-None-Match", e1}}).response.status, 304);

  ASSERT_EQ(release_hold(c, v.show_id, hold_id).status, 204);
  SeatMap m2 = seat_map(v.show_id, {{"If-None-Match", e1}});
  ASSERT_EQ(m2.response.status, 200) << m2.response.describe();
  EXPECT_EQ(m2.status_of(seat), "FREE");

  const int64_t reservation = book(c, v.show_id, {seat});
  SeatMap m3 = seat_map(v.show_id, {{"If-None-Match", m2.etag()}});
  ASSERT_EQ(m3.response.status, 200) << m3.response.describe();
  EXPECT_EQ(m3.status_of(seat), "RESERVED");

  ASSERT_EQ(del(reservation_url(reservation), "", c.auth()).status, 200);
  SeatMap m4 = seat_map(v.show_id, {{"If-None-Match", m3.etag()}});
  ASSERT_EQ(m4.response.status, 200) << m4.response.describe();
  EXPECT_EQ(m4.status_of(seat), "FREE");
  // Every other seat stayed FREE throughout.
  for (const Seat& s : m4.seats) EXPECT_EQ(s.status, "FREE") << "seat " << s.id;
}

}  // namespace
}  // namespace itest
