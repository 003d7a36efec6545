// Clients written for seed 000 confirm with an empty body and release with a
// body-less DELETE, both meaning "my hold on this show": the active one; 404
// when there is none, 410 once it has expired. An explicit hold_id still wins.
#include <gtest/gtest.h>

#include <string>

#include "fixtures.h"

namespace itest {
namespace {

std::string path_of(int64_t show_id, const char* tail) {
  return "/v1/shows/" + std::to_string(show_id) + tail;
}

int64_t hold_one(const Actor& c, int64_t show_id, int64_t seat) {
  HttpResponse h = hold_seats(c, show_id, {seat});
  if (h.status != 201) throw std::runtime_error("hold failed: " + h.describe());
  int64_t id = json_int(h, "hold_id").value_or(0);
  sql_exec("UPDATE holds SET expires_at = NOW(3) + INTERVAL 5 MINUTE WHERE id = ?", id);
  sql_exec("UPDATE show_seats SET held_until = NOW(3) + INTERVAL 5 MINUTE WHERE hold_id = ?", id);
  return id;
}

void expire(int64_t hold_id) {
  sql_exec("UPDATE holds SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?", hold_id);
  sql_exec("UPDATE show_seats SET held_until = NOW(3) - INTERVAL 1 SECOND WHERE hold_id = ?",
           hold_id);
}

TEST(Seed000Clients, AnEmptyConfirmConfirmsMyHold) {
  Venue v = make_venue(1, 3);
  Actor c = new_customer("s0-confirm");
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  EXPECT_TRUE(IsProblem(post(path_of(v.show_id, "/confirm"), "", c.auth()), 404)) << "no hold yet";
  int64_t hold = hold_one(c, v.show_id, seats[0]);
  HttpResponse r = post(path_of(v.show_id, "/confirm"), "", c.auth());
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(sql_int("SELECT hold_id FROM reservations WHERE id = ?",
                    json_int(r, "reservation_id").value_or(0)),
            hold);
  EXPECT_EQ(json_ids(r, "seat_ids"), std::vector<int64_t>{seats[0]});
  // Confirmed: no active hold any more.
  EXPECT_TRUE(IsProblem(post(path_of(v.show_id, "/confirm"), "", c.auth()), 404));
  // "{}" (a JSON body without hold_id) means the same.
  int64_t second = hold_one(c, v.show_id, seats[1]);
  HttpResponse obj = post(path_of(v.show_id, "/confirm"), "{}", c.auth());
  ASSERT_EQ(obj.status, 201) << obj.describe();
  EXPECT_EQ(sql_int("SELECT hold_id FROM reservations WHERE id = ?",
                    json_int(obj, "reservation_id").value_or(0)),
            second);
}

TEST(Seed000Clients, AnExplicitHoldIdStillWins) {
  Venue v = make_venue(1, 3);
  Actor c = new_customer("s0-explicit");
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  int64_t first = hold_one(c, v.show_id, seats[0]);
  ASSERT_EQ(release_hold(c, v.show_id, first).status, 204);
  hold_one(c, v.show_id, seats[1]);
  HttpResponse r = confirm(c, v.show_id, first);
  EXPECT_TRUE(IsProblem(r, 409)) << "the named, released hold: " << r.describe();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE user_id = ?", c.id()), 0);
}

TEST(Seed000Clients, ABodylessReleaseReleasesMyHold) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("s0-release");
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  EXPECT_TRUE(IsProblem(del(path_of(v.show_id, "/hold"), "", c.auth()), 404));
  int64_t hold = hold_one(c, v.show_id, seats[0]);
  HttpResponse r = del(path_of(v.show_id, "/hold"), "", c.auth());
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND status = 'RELEASED'", hold), 1);
  EXPECT_EQ(seat_map(v.show_id).status_of(seats[0]), "FREE");
  EXPECT_TRUE(IsProblem(del(path_of(v.show_id, "/hold"), "", c.auth()), 404));
}

TEST(Seed000Clients, AnExpiredHoldIs410ForBoth) {
  Venue v = make_venue(1, 2);
  Actor c = new_customer("s0-expired");
  int64_t hold = hold_one(c, v.show_id, hall_seat_ids(v.hall_id)[0]);
  expire(hold);
  EXPECT_TRUE(IsProblem(post(path_of(v.show_id, "/confirm"), "", c.auth()), 410));
  EXPECT_TRUE(IsProblem(del(path_of(v.show_id, "/hold"), "", c.auth()), 410));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE hold_id = ?", hold), 0);
}

}  // namespace
}  // namespace itest
