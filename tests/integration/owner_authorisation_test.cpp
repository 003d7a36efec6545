// Object-level authorisation of the owner API: owner A vs owner B, customers
// and anonymous callers on every owner and admin route, and 404 for objects
// that do not exist. A refused write changes nothing and is not audited.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog_owner_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

// Valid bodies for every owner write on the venue's objects, so that only
// authorisation can refuse them.
std::vector<Call> owner_writes(const Venue& v, int64_t seat_id) {
  const int64_t start = unix_now() + 400 * 86400;  // far from any fixture slot
  return {
      {"POST", "/v1/cinemas", JsonObj().s("name", "X " + unique_token()).s("city", "C").str()},
      {"PUT", path("/v1/cinemas/", v.cinema_id),
       JsonObj().s("name", "Taken").s("city", "C").s("address", "A").s("timezone", "UTC").str()},
      {"PATCH", path("/v1/cinemas/", v.cinema_id), JsonObj().s("name", "Taken").str()},
      {"DELETE", path("/v1/cinemas/", v.cinema_id), ""},
      {"POST", "/v1/halls",
       JsonObj()
           .i("cinema_id", v.cinema_id)
           .s("name", "H " + unique_token())
           .i("rows", 2)
           .i("cols", 2)
           .str()},
      {"PUT", path("/v1/halls/", v.hall_id),
       JsonObj().s("name", "Taken").i("rows", 2).i("cols", 2).str()},
      {"PATCH", path("/v1/halls/", v.hall_id), JsonObj().s("name", "Taken").str()},
      {"DELETE", path("/v1/halls/", v.hall_id), ""},
      {"POST", "/v1/seats",
       JsonObj()
           .i("hall_id", v.hall_id)
           .s("row_label", "Z")
           .i("number", 1)
           .i("grid_row", 50)
           .i("grid_col", 50)
           .str()},
      {"PUT", path("/v1/seats/", seat_id),
       JsonObj()
           .s("row_label", "Z")
           .i("number", 9)
           .i("grid_row", 60)
           .i("grid_col", 60)
           .s("seat_type", "VIP")
           .b("active", true)
           .str()},
      {"PATCH", path("/v1/seats/", seat_id), JsonObj().s("seat_type", "VIP").str()},
      {"DELETE", path("/v1/seats/", seat_id), ""},
      {"POST", "/v1/shows", show_body(v.hall_id, "Taken", start, start + 3600)},
      {"PUT", path("/v1/shows/", v.show_id),
       [&] {
         JsonObj o;
         o.s("title", "Taken")
             .s("starts_at", rfc3339(start))
             .s("ends_at", rfc3339(start + 3600))
             .i("base_price_cents", 1)
             .s("currency", "EUR");
         return o.str();
       }()},
      {"PATCH", path("/v1/shows/", v.show_id), JsonObj().s("title", "Taken").str()},
      {"DELETE", path("/v1/shows/", v.show_id), ""},
  };
}

// Owner-only reads and the admin routes.
std::vector<Call> owner_reads(const Venue& v) {
  return {
      {"GET", path("/v1/shows/", v.show_id, "/reservations"), ""},
      {"GET", path("/v1/owner/reservations/", kMissingId), ""},
      {"DELETE", path("/v1/owner/reservations/", kMissingId), ""},
  };
}

std::vector<Call> admin_calls(int64_t user_id) {
  return {
      {"GET", "/v1/admin/users", ""},
      {"PATCH", path("/v1/admin/users/", user_id), JsonObj().s("role", "OWNER").str()},
  };
}

int64_t venue_audit_rows(const Venue& v, int64_t seat_id) {
  return audit_count("cinema", v.cinema_id) + audit_count("hall", v.hall_id) +
         audit_count("seat", seat_id) + audit_count("show", v.show_id);
}

TEST(CatalogOwner, OwnerCannotWriteAnotherOwnersObjects) {
  Venue a = make_venue(3, 4);
  Actor b = new_owner("intruder");
  int64_t seat_id = hall_seat_ids(a.hall_id).at(0);
  const std::string state_before = venue_state(a);
  ASSERT_FALSE(state_before.empty());
  const int64_t audit_before = venue_audit_rows(a, seat_id);

  for (const Call& c : owner_writes(a, seat_id)) {
    if (c.path == "/v1/cinemas") continue;  // creating a cinema of one's own is fine
    HttpResponse r = request(c.method, c.path, c.body, b.auth());
    EXPECT_TRUE(IsProblem(r, 403)) << "owner B: " << describe(c);
  }
  HttpResponse list = get(path("/v1/shows/", a.show_id, "/reservations"), b.auth());
  EXPECT_TRUE(IsProblem(list, 403)) << "owner B listed owner A's show reservations";

  EXPECT_EQ(venue_state(a), state_before) << "a refused write changed owner A's objects";
  EXPECT_EQ(venue_audit_rows(a, seat_id), audit_before) << "a refused write was audited as done";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM halls WHERE cinema_id = ?", a.cinema_id), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM shows WHERE hall_id = ?", a.hall_id), 1);

  // Control: the rightful owner may make the same change.
  HttpResponse own = patch(path("/v1/cinemas/", a.cinema_id),
                           JsonObj().s("name", "Renamed by A").str(), a.owner.auth());
  EXPECT_EQ(own.status, 200) << own.describe();
  EXPECT_EQ(json_string(own, "name"), "Renamed by A");
}

TEST(CatalogOwner, CustomerGets403OnEveryOwnerRoute) {
  Venue v = make_venue(2, 3);
  Actor customer = new_customer("not-an-owner");
  int64_t seat_id = hall_seat_ids(v.hall_id).at(0);
  const std::string state_before = venue_state(v);
  const int64_t cinemas_before =
      sql_int("SELECT COUNT(*) FROM cinemas WHERE owner_id = ?", customer.id());

  std::vector<Call> calls = owner_writes(v, seat_id);
  for (const Call& c : owner_reads(v)) calls.push_back(c);
  for (const Call& c : admin_calls(customer.id())) calls.push_back(c);
  for (const Call& c : calls) {
    HttpResponse r = request(c.method, c.path, c.body, customer.auth());
    EXPECT_TRUE(IsProblem(r, 403)) << "customer: " << describe(c);
  }
  EXPECT_EQ(venue_state(v), state_before);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM cinemas WHERE owner_id = ?", customer.id()),
            cinemas_before);
  EXPECT_EQ(sql_int("SELECT role = 'CUSTOMER' FROM users WHERE id = ?", customer.id()), 1);

  // An OWNER is not an ADMIN either.
  for (const Call& c : admin_calls(customer.id())) {
    HttpResponse r = request(c.method, c.path, c.body, v.owner.auth());
    EXPECT_TRUE(IsProblem(r, 403)) << "owner: " << describe(c);
  }
}

TEST(CatalogOwner, UnauthenticatedGets401OnEveryOwnerRoute) {
  Venue v = make_venue(2, 3);
  int64_t seat_id = hall_seat_ids(v.hall_id).at(0);
  std::vector<Call> calls = owner_writes(v, seat_id);
  for (const Call& c : owner_reads(v)) calls.push_back(c);
  for (const Call& c : admin_calls(v.owner.id())) calls.push_back(c);
  for (const Call& c : calls) {
    HttpResponse r = request(c.method, c.path, c.body);
    EXPECT_TRUE(IsProblem(r, 401)) << "anonymous: " << describe(c);
    HttpResponse bad = request(c.method, c.path, c.body, {{"Authorization", "Bearer not.a.jwt"}});
    EXPECT_TRUE(IsProblem(bad, 401)) << "garbage token: " << describe(c);
  }
}

TEST(CatalogOwner, MissingObjectsAre404) {
  Actor owner = new_owner("missing");
  const int64_t start = unix_now() + 400 * 86400;
  std::vector<Call> calls = {
      {"PUT", path("/v1/cinemas/", kMissingId),
       JsonObj().s("name", "N").s("city", "C").s("address", "A").s("timezone", "UTC").str()},
      {"PATCH", path("/v1/cinemas/", kMissingId), JsonObj().s("name", "N").str()},
      {"DELETE", path("/v1/cinemas/", kMissingId), ""},
      {"POST", "/v1/halls",
       JsonObj().i("cinema_id", kMissingId).s("name", "H").i("rows", 2).i("cols", 2).str()},
      {"PATCH", path("/v1/halls/", kMissingId), JsonObj().s("name", "N").str()},
      {"DELETE", path("/v1/halls/", kMissingId), ""},
      {"POST", "/v1/seats",
       JsonObj()
           .i("hall_id", kMissingId)
           .s("row_label", "A")
           .i("number", 1)
           .i("grid_row", 1)
           .i("grid_col", 1)
           .str()},
      {"PATCH", path("/v1/seats/", kMissingId), JsonObj().s("seat_type", "VIP").str()},
      {"DELETE", path("/v1/seats/", kMissingId), ""},
      {"POST", "/v1/shows", show_body(kMissingId, "T", start, start + 3600)},
      {"PATCH", path("/v1/shows/", kMissingId), JsonObj().s("title", "T").str()},
      {"DELETE", path("/v1/shows/", kMissingId), ""},
      {"GET", path("/v1/shows/", kMissingId, "/reservations"), ""},
      {"GET", path("/v1/owner/reservations/", kMissingId), ""},
      {"DELETE", path("/v1/owner/reservations/", kMissingId), ""},
  };
  for (const Call& c : calls) {
    HttpResponse r = request(c.method, c.path, c.body, owner.auth());
    EXPECT_TRUE(IsProblem(r, 404)) << describe(c);
  }
  for (const std::string& p :
       {path("/v1/cinemas/", kMissingId), path("/v1/cinemas/", kMissingId, "/halls"),
        path("/v1/halls/", kMissingId), path("/v1/halls/", kMissingId, "/seats/layout"),
        path("/v1/halls/", kMissingId, "/seats"), path("/v1/shows/", kMissingId),
        path("/v1/shows/", kMissingId, "/seats")}) {
    EXPECT_TRUE(IsProblem(get(p), 404)) << "GET " << p;
  }
}

}  // namespace
}  // namespace itest
