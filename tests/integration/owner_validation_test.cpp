// Input validation of cinemas, halls and shows: overlapping shows, bad times,
// prices and currencies, grid and layout bounds, and privileged or unknown
// fields, on create and on change; a refused request stores nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "catalog_owner_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

::testing::AssertionResult NamesField(const HttpResponse& r, const std::string& field) {
  auto fields = error_fields(r);
  if (std::find(fields.begin(), fields.end(), field) != fields.end()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "errors[] does not name '" << field << "': " << r.describe();
}

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

}  // namespace
}  // namespace itest
