// Catalogue and owner management through nginx: object-level authorisation
// (owner A vs owner B, customers, anonymous callers), input validation of
// cinemas/halls/shows, drawn hall layouts and seat-type prices, the audit log,
// conflicts that protect shows and bookings, admin role management, keyset
// search pagination under concurrent inserts, and catalogue cache
// invalidation/ETags. Every test builds its own cinemas with unique names.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cinema/jwt.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

constexpr int64_t kMissingId = 900000000001;

std::string path(const std::string& prefix, int64_t id, const std::string& suffix = "") {
  return prefix + std::to_string(id) + suffix;
}

::testing::AssertionResult NamesField(const HttpResponse& r, const std::string& field) {
  auto fields = error_fields(r);
  if (std::find(fields.begin(), fields.end(), field) != fields.end()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "errors[] does not name '" << field << "': " << r.describe();
}

struct Call {
  std::string method;
  std::string path;
  std::string body;
};

std::string describe(const Call& c) {
  return c.method + " " + c.path + " " + c.body;
}

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

// Name, hall and show of the venue as stored (to prove a refused write changed nothing).
std::string venue_state(const Venue& v) {
  std::string out;
  for (const auto& row : sql_rows(
           "SELECT c.name, h.name, h.rows_count, h.cols_count, sh.title, sh.base_price_cents, "
           "(SELECT COUNT(*) FROM seats se WHERE se.hall_id = h.id), "
           "(SELECT GROUP_CONCAT(se.seat_type ORDER BY se.id) FROM seats se WHERE se.hall_id = "
           "h.id) "
           "FROM cinemas c JOIN halls h ON h.cinema_id = c.id JOIN shows sh ON sh.hall_id = h.id "
           "WHERE c.id = ? AND h.id = ? AND sh.id = ?",
           v.cinema_id, v.hall_id, v.show_id)) {
    for (const auto& col : row) out += col.value_or("NULL") + "|";
  }
  return out;
}

int64_t venue_audit_rows(const Venue& v, int64_t seat_id) {
  return audit_count("cinema", v.cinema_id) + audit_count("hall", v.hall_id) +
         audit_count("seat", seat_id) + audit_count("show", v.show_id);
}

// ------------------------------------------------------------------ authorisation

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

// ------------------------------------------------------------------ validation

TEST(CatalogOwner, ShowValidationAndOverlap) {
  Actor owner = new_owner("shows");
  int64_t cinema = create_cinema(owner);
  int64_t hall = create_hall(owner, cinema, 3, 3);
  const int64_t t0 = (unix_now() / 3600 + 24 * 20) * 3600;  // 20 days ahead, on the hour
  const int64_t h = 3600;

  int64_t first = create_show(owner, hall, "First " + unique_token(), t0, 2 * h);

  struct Case {
    const char* what;
    int64_t starts;
    int64_t ends;
  };
  for (const Case& c :
       {Case{"overlapping the end", t0 + h, t0 + 3 * h},
        Case{"overlapping the start", t0 - h, t0 + h}, Case{"inside", t0 + 15 * 60, t0 + 45 * 60},
        Case{"around", t0 - h, t0 + 3 * h}, Case{"identical", t0, t0 + 2 * h}}) {
    HttpResponse r = post("/v1/shows", show_body(hall, "Clash", c.starts, c.ends), owner.auth());
    EXPECT_TRUE(IsProblem(r, 409)) << c.what;
  }
  // Back to back is not an overlap.
  HttpResponse next =
      post("/v1/shows", show_body(hall, "Next", t0 + 2 * h, t0 + 4 * h), owner.auth());
  ASSERT_EQ(next.status, 201) << next.describe();
  int64_t second = json_int(next, "id").value_or(0);
  // Moving the second show onto the first is refused too.
  HttpResponse moved =
      patch(path("/v1/shows/", second),
            JsonObj().s("starts_at", rfc3339(t0 + h)).s("ends_at", rfc3339(t0 + 3 * h)).str(),
            owner.auth());
  EXPECT_TRUE(IsProblem(moved, 409)) << "PATCH onto another show";
  // The same slot in another hall is fine.
  int64_t other_hall = create_hall(owner, cinema, 2, 2);
  EXPECT_EQ(
      post("/v1/shows", show_body(other_hall, "Elsewhere", t0, t0 + 2 * h), owner.auth()).status,
      201);

  const int64_t later = t0 + 10 * h;
  auto body_with = [&](const std::string& field, const std::string& raw_value) {
    // A valid show body with one member replaced (or added).
    std::map<std::string, std::string> m = {{"hall_id", std::to_string(hall)},
                                            {"title", "\"Valid\""},
                                            {"starts_at", "\"" + rfc3339(later) + "\""},
                                            {"ends_at", "\"" + rfc3339(later + h) + "\""},
                                            {"base_price_cents", "900"},
                                            {"currency", "\"EUR\""}};
    m[field] = raw_value;
    JsonObj o;
    for (const auto& [k, v] : m) o.raw(k, v);
    return o.str();
  };
  struct Bad {
    std::string field;
    std::string raw_value;
    std::string error_field;  // expected in errors[] ("" = not checked)
  };
  const std::vector<Bad> bad = {
      {"starts_at", "\"next tuesday\"", "starts_at"},
      {"starts_at", "\"2030-13-45T25:61:00Z\"", "starts_at"},
      {"ends_at", "\"soon\"", "ends_at"},
      {"ends_at", "\"" + rfc3339(later - h) + "\"", "ends_at"},  // ends before it starts
      {"ends_at", "\"" + rfc3339(later) + "\"", "ends_at"},      // zero length
      {"base_price_cents", "-1", "base_price_cents"},
      {"base_price_cents", "\"900\"", "base_price_cents"},
      {"currency", "\"XYZ\"", "currency"},
      {"currency", "\"EURO\"", "currency"},
      {"title", "\"\"", "title"},
      {"owner_id", std::to_string(owner.id()), ""},
      {"id", "12345", ""},
      {"status", "\"CANCELLED\"", ""},
      {"seat_version", "7", ""},
  };
  const int64_t shows_before = sql_int("SELECT COUNT(*) FROM shows WHERE hall_id = ?", hall);
  for (const Bad& b : bad) {
    HttpResponse r = post("/v1/shows", body_with(b.field, b.raw_value), owner.auth());
    EXPECT_TRUE(IsProblem(r, 400)) << b.field << "=" << b.raw_value;
    if (!b.error_field.empty()) {
      EXPECT_TRUE(NamesField(r, b.error_field)) << b.raw_value;
    }
  }
  // The same rules on PATCH.
  for (const Call& c : std::vector<Call>{
           {"PATCH", path("/v1/shows/", first), JsonObj().s("starts_at", "garbage").str()},
           {"PATCH", path("/v1/shows/", first), JsonObj().i("base_price_cents", -5).str()},
           {"PATCH", path("/v1/shows/", first), JsonObj().s("currency", "ZZZ").str()},
           {"PATCH", path("/v1/shows/", first), JsonObj().s("status", "CANCELLED").str()},
           {"PATCH", path("/v1/shows/", first), JsonObj().i("hall_id", other_hall).str()},
           {"PATCH", path("/v1/shows/", first),
            JsonObj().s("starts_at", rfc3339(t0 + h)).s("ends_at", rfc3339(t0)).str()},
       }) {
    EXPECT_TRUE(IsProblem(request(c.method, c.path, c.body, owner.auth()), 400)) << describe(c);
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM shows WHERE hall_id = ?", hall), shows_before)
      << "an invalid request created a show";
  EXPECT_EQ(sql_int("SELECT UNIX_TIMESTAMP(starts_at) FROM shows WHERE id = ?", first), t0)
      << "an invalid PATCH moved the show";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM shows WHERE id = ? AND status = 'SCHEDULED' AND "
                    "base_price_cents = 1000 AND currency = 'EUR'",
                    first),
            1);
}

TEST(CatalogOwner, CinemaAndHallValidation) {
  Actor owner = new_owner("halls");
  int64_t cinema = create_cinema(owner);
  const int64_t halls_before = sql_int("SELECT COUNT(*) FROM halls WHERE cinema_id = ?", cinema);

  struct Size {
    int64_t rows;
    int64_t cols;
  };
  for (const Size& s :
       {Size{0, 5}, Size{5, 0}, Size{101, 5}, Size{5, 101}, Size{-1, 5}, Size{101, 101}}) {
    HttpResponse r = post("/v1/halls",
                          JsonObj()
                              .i("cinema_id", cinema)
                              .s("name", "H " + unique_token())
                              .i("rows", s.rows)
                              .i("cols", s.cols)
                              .str(),
                          owner.auth());
    EXPECT_TRUE(IsProblem(r, 400)) << "rows=" << s.rows << " cols=" << s.cols;
  }
  // 100 x 100 is the largest allowed grid (control for the bound).
  HttpResponse big = post("/v1/halls",
                          JsonObj()
                              .i("cinema_id", cinema)
                              .s("name", "Big " + unique_token())
                              .i("rows", 100)
                              .i("cols", 100)
                              .str(),
                          owner.auth());
  EXPECT_EQ(big.status, 201) << big.describe();
  EXPECT_EQ(json_int(big, "seat_count").value_or(-1), 10000) << big.describe();

  std::vector<std::string> layout_101(101, "SS");
  for (const std::string& raw_layout :
       {strings_json(layout_101), strings_json({std::string(101, 'S')}), strings_json({"S?S"}),
        strings_json({"...", "   "}), std::string("[]"), std::string("\"SSS\"")}) {
    HttpResponse r = post("/v1/halls",
                          JsonObj()
                              .i("cinema_id", cinema)
                              .s("name", "L " + unique_token())
                              .raw("layout", raw_layout)
                              .str(),
                          owner.auth());
    EXPECT_TRUE(IsProblem(r, 400)) << "layout " << raw_layout.substr(0, 80);
  }
  // Privileged or unknown fields are rejected, not ignored.
  for (const auto& [field, raw] : std::vector<std::pair<std::string, std::string>>{
           {"id", "77"}, {"owner_id", std::to_string(owner.id())}, {"seat_count", "3"}}) {
    HttpResponse r = post("/v1/halls",
                          JsonObj()
                              .i("cinema_id", cinema)
                              .s("name", "F " + unique_token())
                              .i("rows", 2)
                              .i("cols", 2)
                              .raw(field, raw)
                              .str(),
                          owner.auth());
    EXPECT_TRUE(IsProblem(r, 400)) << "hall with " << field;
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM halls WHERE cinema_id = ?", cinema), halls_before + 1);

  const int64_t cinemas_before =
      sql_int("SELECT COUNT(*) FROM cinemas WHERE owner_id = ?", owner.id());
  Actor other = new_owner("other");
  for (const auto& [field, raw] : std::vector<std::pair<std::string, std::string>>{
           {"owner_id", std::to_string(other.id())},
           {"id", "1"},
           {"status", "\"OPEN\""},
           {"created_at", "\"2020-01-01T00:00:00Z\""}}) {
    HttpResponse r =
        post("/v1/cinemas",
             JsonObj().s("name", "N " + unique_token()).s("city", "C").raw(field, raw).str(),
             owner.auth());
    EXPECT_TRUE(IsProblem(r, 400)) << "cinema with " << field;
    HttpResponse p =
        patch(path("/v1/cinemas/", cinema), JsonObj().raw(field, raw).str(), owner.auth());
    EXPECT_TRUE(IsProblem(p, 400)) << "PATCH cinema with " << field;
  }
  EXPECT_TRUE(IsProblem(post("/v1/cinemas", JsonObj().s("city", "C").str(), owner.auth()), 400))
      << "cinema without name";
  EXPECT_TRUE(IsProblem(post("/v1/cinemas", "{not json", owner.auth()), 400));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM cinemas WHERE owner_id = ?", owner.id()), cinemas_before);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM cinemas WHERE owner_id = ?", other.id()), 0)
      << "owner_id in a body gave a cinema to someone else";
  EXPECT_EQ(sql_int("SELECT owner_id FROM cinemas WHERE id = ?", cinema), owner.id());
}

// ------------------------------------------------------------------ layouts and prices

TEST(CatalogOwner, LayoutHallShowsGapsSeatTypesAndTypePrices) {
  Actor owner = new_owner("layout");
  int64_t cinema = create_cinema(owner);
  const std::vector<std::string> layout = {"SS.SS", ".....", "VVVVV", "A.SSC"};
  int64_t hall = create_layout_hall(owner, cinema, layout);

  HttpResponse r = get(path("/v1/halls/", hall, "/seats/layout"));
  ASSERT_EQ(r.status, 200) << r.describe();
  auto doc = r.json();
  ASSERT_TRUE(doc.IsObject()) << r.describe();
  EXPECT_EQ(doc["rows"].GetInt64(), 4);
  EXPECT_EQ(doc["cols"].GetInt64(), 5);
  ASSERT_TRUE(doc.HasMember("grid") && doc["grid"].IsArray() && doc["grid"].Size() == 4)
      << r.describe();
  const auto& grid = doc["grid"];
  for (rapidjson::SizeType row = 0; row < 4; ++row) {
    ASSERT_TRUE(grid[row].HasMember("cells") && grid[row]["cells"].IsArray() &&
                grid[row]["cells"].Size() == 5)
        << "row " << row << ": " << r.describe();
    for (rapidjson::SizeType col = 0; col < 5; ++col) {
      const auto& cell = grid[row]["cells"][col];
      char drawn = layout[row][col];
      if (drawn == '.') {
        EXPECT_TRUE(cell.IsNull()) << "gap at row " << row + 1 << " col " << col + 1;
        continue;
      }
      ASSERT_TRUE(cell.IsObject()) << "seat at row " << row + 1 << " col " << col + 1;
      const char* want = drawn == 'V'   ? "VIP"
                         : drawn == 'A' ? "ACCESSIBLE"
                         : drawn == 'C' ? "COMPANION"
                                        : "STANDARD";
      EXPECT_STREQ(cell["type"].GetString(), want) << "row " << row + 1 << " col " << col + 1;
      EXPECT_EQ(cell["grid_row"].GetInt64(), row + 1);
      EXPECT_EQ(cell["grid_col"].GetInt64(), col + 1);
    }
  }
  // The aisle row has no label; seats are numbered left to right skipping gaps.
  EXPECT_TRUE(grid[1]["row"].IsNull()) << r.describe();
  EXPECT_STREQ(grid[0]["row"].GetString(), "A");
  EXPECT_STREQ(grid[2]["row"].GetString(), "B");
  EXPECT_STREQ(grid[3]["row"].GetString(), "C");
  EXPECT_EQ(grid[0]["cells"][3]["number"].GetInt64(), 3);
  EXPECT_EQ(grid[3]["cells"][4]["number"].GetInt64(), 4);

  HttpResponse hall_r = get(path("/v1/halls/", hall));
  EXPECT_EQ(json_int(hall_r, "seat_count").value_or(-1), 13) << hall_r.describe();

  const int64_t base = 1000;
  int64_t show =
      create_show(owner, hall, "Typed " + unique_token(), unix_now() + 30 * 86400, 7200, base);
  SeatMap m = seat_map(show);
  ASSERT_TRUE(m.ok()) << m.response.describe();
  ASSERT_EQ(m.seats.size(), 13u);
  std::map<std::string, std::set<int64_t>> prices;
  for (const Seat& s : m.seats) {
    char drawn =
        layout.at(static_cast<size_t>(s.grid_row - 1)).at(static_cast<size_t>(s.grid_col - 1));
    const char* want = drawn == 'V'   ? "VIP"
                       : drawn == 'A' ? "ACCESSIBLE"
                       : drawn == 'C' ? "COMPANION"
                                      : "STANDARD";
    EXPECT_EQ(s.type, want) << "seat " << s.id;
    EXPECT_EQ(s.status, "FREE");
    prices[s.type].insert(s.price_cents);
  }
  ASSERT_EQ(prices["VIP"].size(), 1u) << "VIP seats have different prices";
  ASSERT_EQ(prices["STANDARD"].size(), 1u) << "standard seats have different prices";
  EXPECT_EQ(*prices["STANDARD"].begin(), base) << "a standard seat costs the base price";
  EXPECT_GT(*prices["VIP"].begin(), *prices["STANDARD"].begin()) << "VIP must cost more";

  // A new base price shows in the very next seat map (the functions keep the
  // seats' layout and prices in memory between renders).
  HttpResponse repriced = patch(path("/v1/shows/", show),
                                JsonObj().i("base_price_cents", 2 * base).str(), owner.auth());
  ASSERT_EQ(repriced.status, 200) << repriced.describe();
  for (int i = 0; i < 6; ++i) {  // several reads: they may land on different processes
    SeatMap after = seat_map(show);
    ASSERT_TRUE(after.ok()) << after.response.describe();
    for (const Seat& s : after.seats) {
      if (s.type == "STANDARD") {
        EXPECT_EQ(s.price_cents, 2 * base) << "seat " << s.id;
      }
    }
  }
}

// ------------------------------------------------------------------ audit log

TEST(CatalogOwner, EveryOwnerWriteIsAudited) {
  Actor owner = new_owner("audited");
  int64_t cinema = create_cinema(owner);
  EXPECT_EQ(audit_count("cinema", cinema), 1) << "cinema create";
  ASSERT_EQ(
      patch(path("/v1/cinemas/", cinema), JsonObj().s("city", "Elsewhere").str(), owner.auth())
          .status,
      200);
  EXPECT_EQ(audit_count("cinema", cinema), 2) << "cinema PATCH";
  ASSERT_EQ(put(path("/v1/cinemas/", cinema),
                JsonObj()
                    .s("name", "Put " + unique_token())
                    .s("city", "C")
                    .s("address", "1 Road")
                    .s("timezone", "Europe/Berlin")
                    .str(),
                owner.auth())
                .status,
            200);
  EXPECT_EQ(audit_count("cinema", cinema), 3) << "cinema PUT";

  int64_t hall = create_hall(owner, cinema, 2, 2);
  EXPECT_EQ(audit_count("hall", hall), 1) << "hall create";
  ASSERT_EQ(patch(path("/v1/halls/", hall), JsonObj().i("rows", 3).i("cols", 3).str(), owner.auth())
                .status,
            200);
  EXPECT_EQ(audit_count("hall", hall), 2) << "hall layout PATCH";

  HttpResponse seat = post("/v1/seats",
                           JsonObj()
                               .i("hall_id", hall)
                               .s("row_label", "Q")
                               .i("number", 1)
                               .i("grid_row", 5)
                               .i("grid_col", 5)
                               .str(),
                           owner.auth());
  ASSERT_EQ(seat.status, 201) << seat.describe();
  int64_t seat_id = json_int(seat, "id").value_or(0);
  EXPECT_EQ(audit_count("seat", seat_id), 1) << "seat create";
  ASSERT_EQ(patch(path("/v1/seats/", seat_id), JsonObj().s("seat_type", "VIP").str(), owner.auth())
                .status,
            200);
  EXPECT_EQ(audit_count("seat", seat_id), 2) << "seat PATCH";
  ASSERT_EQ(del(path("/v1/seats/", seat_id), "", owner.auth()).status, 204);
  EXPECT_EQ(audit_count("seat", seat_id), 3) << "seat DELETE";

  int64_t show = create_show(owner, hall, "Audit " + unique_token(), unix_now() + 40 * 86400);
  EXPECT_EQ(audit_count("show", show), 1) << "show create";
  ASSERT_EQ(
      patch(path("/v1/shows/", show), JsonObj().i("base_price_cents", 1234).str(), owner.auth())
          .status,
      200);
  EXPECT_EQ(audit_count("show", show), 2) << "show PATCH";
  ASSERT_EQ(del(path("/v1/shows/", show), "", owner.auth()).status, 204);
  EXPECT_EQ(audit_count("show", show), 3) << "show DELETE";

  ASSERT_EQ(del(path("/v1/halls/", hall), "", owner.auth()).status, 204);
  EXPECT_EQ(audit_count("hall", hall), 3) << "hall DELETE";
  ASSERT_EQ(del(path("/v1/cinemas/", cinema), "", owner.auth()).status, 204);
  EXPECT_EQ(audit_count("cinema", cinema), 4) << "cinema DELETE";

  // Every row names the owner as the actor.
  EXPECT_EQ(
      sql_int(
          "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND "
          "((entity_type = 'cinema' AND entity_id = ?) OR (entity_type = 'hall' AND entity_id = ?) "
          "OR (entity_type = 'seat' AND entity_id = ?) OR (entity_type = 'show' AND entity_id = "
          "?))",
          owner.id(), cinema, hall, seat_id, show),
      13);
  // A refused write leaves no audit row.
  int64_t before = audit_count("cinema", cinema);
  EXPECT_TRUE(IsProblem(
      patch(path("/v1/cinemas/", cinema), JsonObj().s("name", "Gone").str(), owner.auth()), 404));
  EXPECT_EQ(audit_count("cinema", cinema), before);
}

// ------------------------------------------------------------------ conflicts

TEST(CatalogOwner, HallsCinemasAndShowsWithDependentsAreProtected) {
  Venue v = make_venue(3, 4);
  const std::string hall_path = path("/v1/halls/", v.hall_id);
  const int64_t seats_before = sql_int("SELECT COUNT(*) FROM seats WHERE hall_id = ?", v.hall_id);
  const std::string seats_sig_before = venue_state(v);

  EXPECT_TRUE(
      IsProblem(patch(hall_path, JsonObj().i("rows", 5).i("cols", 5).str(), v.owner.auth()), 409))
      << "resizing a hall with shows";
  EXPECT_TRUE(IsProblem(
      patch(hall_path, JsonObj().raw("layout", strings_json({"SSSS", "SVVS", "SSSS"})).str(),
            v.owner.auth()),
      409))
      << "re-drawing a hall with shows";
  EXPECT_TRUE(IsProblem(
      put(hall_path, JsonObj().s("name", "Same").i("rows", 4).i("cols", 4).str(), v.owner.auth()),
      409))
      << "PUT with another grid";
  EXPECT_TRUE(IsProblem(del(hall_path, "", v.owner.auth()), 409)) << "deleting a hall with shows";
  EXPECT_TRUE(IsProblem(del(path("/v1/cinemas/", v.cinema_id), "", v.owner.auth()), 409))
      << "deleting a cinema with shows";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM seats WHERE hall_id = ?", v.hall_id), seats_before);
  EXPECT_EQ(venue_state(v), seats_sig_before);
  EXPECT_EQ(get(path("/v1/cinemas/", v.cinema_id)).status, 200);
  EXPECT_EQ(get(hall_path).status, 200);

  // Renaming is not a layout change, and repeating the same grid is allowed.
  HttpResponse renamed =
      patch(hall_path, JsonObj().s("name", "Renamed " + unique_token()).str(), v.owner.auth());
  EXPECT_EQ(renamed.status, 200) << renamed.describe();

  // A show with a reservation cannot be deleted.
  Actor customer = new_customer("protect");
  int64_t seat = hall_seat_ids(v.hall_id).at(5);
  int64_t reservation = book(customer, v.show_id, {seat});
  EXPECT_TRUE(IsProblem(del(path("/v1/shows/", v.show_id), "", v.owner.auth()), 409))
      << "deleting a show with a reservation";
  EXPECT_EQ(get(path("/v1/shows/", v.show_id)).status, 200);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE id = ? AND status = 'CONFIRMED'",
                    reservation),
            1);

  // Controls: without shows the same operations succeed.
  int64_t empty_cinema = create_cinema(v.owner);
  int64_t empty_hall = create_hall(v.owner, empty_cinema, 2, 2);
  HttpResponse resized = patch(path("/v1/halls/", empty_hall),
                               JsonObj().i("rows", 4).i("cols", 6).str(), v.owner.auth());
  EXPECT_EQ(resized.status, 200) << resized.describe();
  EXPECT_EQ(json_int(resized, "seat_count").value_or(-1), 24) << resized.describe();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM seats WHERE hall_id = ?", empty_hall), 24);
  EXPECT_EQ(del(path("/v1/cinemas/", empty_cinema), "", v.owner.auth()).status, 204)
      << "a cinema with halls but no shows can be deleted";
  EXPECT_TRUE(IsProblem(get(path("/v1/cinemas/", empty_cinema)), 404));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM halls WHERE id = ?", empty_hall), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM seats WHERE hall_id = ?", empty_hall), 0);
}

// ------------------------------------------------------------------ admin users

TEST(CatalogOwner, AdminListsUsersGrantsOwnerAndKeepsTheLastAdmin) {
  Actor admin = new_admin("admin");
  Actor customer = new_customer("promote-me");
  const std::string customer_token_before = customer.token;

  // List: the admin finds the customer by email.
  HttpResponse list =
      get("/v1/admin/users?q=" + customer.user.email.substr(0, customer.user.email.find('@')),
          admin.auth());
  ASSERT_EQ(list.status, 200) << list.describe();
  std::vector<int64_t> ids = item_ids(list);
  EXPECT_NE(std::find(ids.begin(), ids.end(), customer.id()), ids.end()) << list.describe();
  HttpResponse owners = get("/v1/admin/users?role=ADMIN&limit=100", admin.auth());
  ASSERT_EQ(owners.status, 200) << owners.describe();
  ids = item_ids(owners);
  EXPECT_NE(std::find(ids.begin(), ids.end(), admin.id()), ids.end())
      << "role=ADMIN misses the admin";
  EXPECT_EQ(std::find(ids.begin(), ids.end(), customer.id()), ids.end())
      << "role=ADMIN lists a customer";
  EXPECT_TRUE(IsProblem(get("/v1/admin/users?role=KING", admin.auth()), 400));

  // Grant OWNER.
  const int64_t audit_before = audit_count("user", customer.id());
  HttpResponse granted = patch(path("/v1/admin/users/", customer.id()),
                               JsonObj().s("role", "OWNER").str(), admin.auth());
  ASSERT_EQ(granted.status, 200) << granted.describe();
  EXPECT_EQ(json_string(granted, "role"), "OWNER");
  EXPECT_EQ(sql_int("SELECT role = 'OWNER' FROM users WHERE id = ?", customer.id()), 1);
  EXPECT_EQ(audit_count("user", customer.id()), audit_before + 1) << "role change not audited";
  EXPECT_TRUE(IsProblem(patch(path("/v1/admin/users/", customer.id()),
                              JsonObj().s("role", "EMPEROR").str(), admin.auth()),
                        400));
  EXPECT_TRUE(IsProblem(
      patch(path("/v1/admin/users/", kMissingId), JsonObj().s("role", "OWNER").str(), admin.auth()),
      404));

  // Rights follow the current role: the old token (claim CUSTOMER) may act as
  // OWNER at once; the next login's token also says OWNER.
  EXPECT_EQ(post("/v1/cinemas", JsonObj().s("name", "At once").s("city", "C").str(),
                 {bearer(customer_token_before)})
                .status,
            201);
  relogin(customer);
  auto claims = cinema::verify_access_token(stack_config().jwt, customer.token, unix_now());
  ASSERT_TRUE(claims.ok()) << "the new access token does not verify";
  EXPECT_EQ(claims->role, "OWNER");
  HttpResponse me = get("/v1/me", customer.auth());
  ASSERT_EQ(me.status, 200) << me.describe();
  EXPECT_EQ(json_string(me, "role"), "OWNER");
  HttpResponse made =
      post("/v1/cinemas", JsonObj().s("name", "Promoted " + unique_token()).s("city", "C").str(),
           customer.auth());
  EXPECT_EQ(made.status, 201) << made.describe();

  // The last ADMIN cannot be demoted. A second admin may be demoted while
  // another one remains; whether `admin` is then the only one depends on the
  // database (a fresh test stack has no other admin), so count first.
  Actor second = new_admin("admin2");
  HttpResponse demoted = patch(path("/v1/admin/users/", second.id()),
                               JsonObj().s("role", "CUSTOMER").str(), admin.auth());
  EXPECT_EQ(demoted.status, 200) << "demoting an admin while another remains: "
                                 << demoted.describe();
  EXPECT_EQ(sql_int("SELECT role = 'CUSTOMER' FROM users WHERE id = ?", second.id()), 1);

  const int64_t admins = sql_int("SELECT COUNT(*) FROM users WHERE role = 'ADMIN'");
  HttpResponse self = patch(path("/v1/admin/users/", admin.id()),
                            JsonObj().s("role", "CUSTOMER").str(), admin.auth());
  if (admins == 1) {
    EXPECT_TRUE(IsProblem(self, 409)) << "the last admin demoted themself";
    EXPECT_EQ(sql_int("SELECT role = 'ADMIN' FROM users WHERE id = ?", admin.id()), 1);
  } else {
    EXPECT_EQ(self.status, 200) << admins
                                << " admins exist, so demoting one is allowed: " << self.describe();
    std::cerr << "note: " << admins
              << " admins exist in this database; the last-admin 409 branch "
                 "was not exercised\n";
  }
}

// ------------------------------------------------------------------ search pagination

TEST(CatalogOwner, SearchPaginationIsStableWhileShowsAreAdded) {
  Actor owner = new_owner("search");
  int64_t cinema = create_cinema(owner);
  int64_t hall = create_hall(owner, cinema, 2, 2);
  const std::string token = unique_token("srch");
  const int64_t h = 3600;
  // Initial shows every 6 hours from 10 days ahead; added shows go into the
  // gaps (before and after the cursor), before all, and after all.
  const int64_t base = (unix_now() / h + 24 * 10) * h;
  std::set<int64_t> initial;
  for (int i = 0; i < 25; ++i) {
    initial.insert(
        create_show(owner, hall, "Movie " + token + " #" + std::to_string(i), base + i * 6 * h, h));
  }
  int64_t early_slot = base - 3 * h;
  int gap = 0;
  int late = 0;
  auto add_more = [&](int page) {
    create_show(owner, hall, "Early " + token + " p" + std::to_string(page), early_slot, h);
    early_slot -= 3 * h;
    // Between two initial shows; 7 is coprime with 25, so no gap is used twice.
    const int64_t k = (7 * gap++ + 3) % 25;
    create_show(owner, hall, "Gap " + token + " p" + std::to_string(page), base + k * 6 * h + 3 * h,
                h);
    create_show(owner, hall, "Late " + token + " p" + std::to_string(page),
                base + (25 + late++) * 6 * h, h);
  };

  std::vector<int64_t> seen;
  std::string cursor;
  int pages = 0;
  for (; pages < 30; ++pages) {
    std::string url = "/v1/search/shows?q=" + token + "&limit=7";
    if (!cursor.empty()) url += "&cursor=" + url_encode(cursor);
    HttpResponse r = get(url);
    ASSERT_EQ(r.status, 200) << url << ": " << r.describe();
    auto doc = r.json();
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("items") && doc["items"].IsArray()) << r.describe();
    EXPECT_LE(doc["items"].Size(), 7u);
    for (const auto& item : doc["items"].GetArray()) {
      ASSERT_TRUE(item.HasMember("id") && item["id"].IsInt64());
      seen.push_back(item["id"].GetInt64());
      EXPECT_NE(std::string(item["title"].GetString()).find(token), std::string::npos);
    }
    if (!doc.HasMember("next_cursor") || doc["next_cursor"].IsNull()) break;
    ASSERT_TRUE(doc["next_cursor"].IsString());
    cursor = doc["next_cursor"].GetString();
    add_more(pages);
  }
  ASSERT_LT(pages, 30) << "pagination did not end";
  EXPECT_GE(pages + 1, 4) << "25 shows at 7 per page need at least 4 pages";

  std::map<int64_t, int> times;
  for (int64_t id : seen) ++times[id];
  for (const auto& [id, n] : times)
    EXPECT_EQ(n, 1) << "show " << id << " appeared " << n << " times";
  for (int64_t id : initial) {
    EXPECT_EQ(times.count(id), 1u) << "show " << id << " existed before paging but was skipped";
  }
  // The results are in (starts_at, id) order across pages.
  std::vector<std::pair<int64_t, int64_t>> order;
  for (int64_t id : seen)
    order.emplace_back(sql_int("SELECT UNIX_TIMESTAMP(starts_at) FROM shows WHERE id = ?", id), id);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "pages are not in start-time order";
}

// ------------------------------------------------------------------ cache and ETags

TEST(CatalogOwner, CatalogueCacheInvalidatesAtOnceAndHonoursETags) {
  Actor owner = new_owner("cache");
  int64_t cinema = create_cinema(owner, "Before " + unique_token());
  const std::string url = path("/v1/cinemas/", cinema);

  HttpResponse first = get(url);
  ASSERT_EQ(first.status, 200) << first.describe();
  HttpResponse second = get(url);
  ASSERT_EQ(second.status, 200) << second.describe();
  EXPECT_EQ(second.header("x-cache"), "HIT") << "the second read was not served from the cache";
  const std::string etag = second.header("etag");
  ASSERT_FALSE(etag.empty()) << second.describe();
  EXPECT_EQ(first.header("etag"), etag);

  HttpResponse not_modified = get(url, {{"If-None-Match", etag}});
  EXPECT_EQ(not_modified.status, 304) << not_modified.describe();
  EXPECT_TRUE(not_modified.body.empty());

  const std::string new_name = "After " + unique_token();
  ASSERT_EQ(patch(url, JsonObj().s("name", new_name).str(), owner.auth()).status, 200);
  HttpResponse after = get(url);
  ASSERT_EQ(after.status, 200) << after.describe();
  EXPECT_EQ(json_string(after, "name"), new_name) << "a stale cached cinema was served after PATCH";
  EXPECT_NE(after.header("etag"), etag);
  HttpResponse changed = get(url, {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200) << "the old ETag still matched after a change";
  EXPECT_EQ(json_string(changed, "name"), new_name);
  EXPECT_EQ(get(url, {{"If-None-Match", after.header("etag")}}).status, 304);

  // Lists and shows follow as well.
  int64_t hall = create_hall(owner, cinema, 2, 2);
  int64_t show = create_show(owner, hall, "Old title " + unique_token(), unix_now() + 50 * 86400);
  const std::string show_url = path("/v1/shows/", show);
  ASSERT_EQ(get(show_url).status, 200);
  ASSERT_EQ(get(show_url).status, 200);
  HttpResponse halls = get(path("/v1/cinemas/", cinema, "/halls"));
  ASSERT_EQ(halls.status, 200);
  const std::string new_title = "New title " + unique_token();
  ASSERT_EQ(patch(show_url, JsonObj().s("title", new_title).str(), owner.auth()).status, 200);
  EXPECT_EQ(json_string(get(show_url), "title"), new_title);
  int64_t hall2 = create_hall(owner, cinema, 1, 1);
  std::vector<int64_t> hall_ids = item_ids(get(path("/v1/cinemas/", cinema, "/halls")));
  EXPECT_NE(std::find(hall_ids.begin(), hall_ids.end(), hall2), hall_ids.end())
      << "a new hall is missing from the cached hall list";
}

}  // namespace
}  // namespace itest
