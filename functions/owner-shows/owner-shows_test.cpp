#include "owner-shows.h"

#include <gtest/gtest.h>

#include "cinema/clock.h"
#include "cinema/jwt.h"
#include "cinema/testing.h"
#include "show_rules.h"

namespace cinema::owner_shows {
namespace {

constexpr int64_t kNowMs = 1'800'000'000'000;  // 2027-01-15T08:00:00Z

Context test_context() {
  return Context(Config::for_tests(), std::make_unique<FakeClock>(kNowMs));
}

using testing::names_field;

Request make(std::string method, std::string path, std::string body, const std::string& role,
             Context& ctx) {
  return testing::json_request(std::move(method), std::move(path), std::move(body), role, ctx);
}

std::string show(const std::string& starts, const std::string& ends,
                 const std::string& extra = "") {
  return R"({"hall_id":1,"title":"Metropolis","starts_at":")" + starts + R"(","ends_at":")" + ends +
         R"(","base_price_cents":1200,"currency":"EUR")" + extra + "}";
}

TEST(ShowRules, CurrencyAllowlist) {
  for (const char* ok : {"EUR", "USD", "GBP", "JPY", "NZD", "CHF"}) {
    EXPECT_TRUE(is_allowed_currency(ok)) << ok;
  }
  for (const char* bad : {"eur", "XXX", "BTC", "EU", "EURO", ""}) {
    EXPECT_FALSE(is_allowed_currency(bad)) << bad;
  }
}

TEST(ShowRules, Window) {
  EXPECT_TRUE(check_window(1000, 2000, 500).ok());
  EXPECT_EQ(check_window(1000, 1000, 0).problem().status, 400);
  EXPECT_EQ(check_window(1000, 999, 0).problem().status, 400);
  EXPECT_TRUE(check_window(0, kMaxDurationS, 0).ok());
  EXPECT_EQ(check_window(0, kMaxDurationS + 1, 0).problem().status, 400);
  EXPECT_EQ(check_window(1000, 2000, 1001).problem().status, 422);
  EXPECT_EQ(check_window(1000, 2000, 1001).problem().errors[0].field, "starts_at");
}

TEST(OwnerShows, RequiresAnOwnerToken) {
  Context ctx = test_context();
  const std::string body = show("2027-02-01T18:00:00Z", "2027-02-01T20:00:00Z");
  EXPECT_EQ(router().dispatch(make("POST", "/v1/shows", body, "", ctx), ctx).status, 401);
  EXPECT_EQ(router().dispatch(make("POST", "/v1/shows", body, "CUSTOMER", ctx), ctx).status, 403);
  EXPECT_EQ(router()
                .dispatch(make("PATCH", "/v1/shows/1", R"({"title":"x"})", "CUSTOMER", ctx), ctx)
                .status,
            403);
  EXPECT_EQ(router().dispatch(make("DELETE", "/v1/shows/1", "", "CUSTOMER", ctx), ctx).status, 403);
}

TEST(OwnerShows, ValidatesTheBody) {
  Context ctx = test_context();
  const std::string s = "2027-02-01T18:00:00Z";
  const std::string e = "2027-02-01T20:00:00Z";
  struct Case {
    std::string method;
    std::string body;
    const char* field;
  } cases[] = {
      {"POST", show("tomorrow", e), "starts_at"},
      {"POST", show(s, "2027-02-30T20:00:00Z"), "ends_at"},
      {"POST", show(s, s), "ends_at"},
      {"POST", show(s, "2027-02-01T17:00:00Z"), "ends_at"},
      {"POST", show(s, "2027-02-02T18:00:01Z"), "ends_at"},
      {"POST", show("2100-01-01T10:00:00Z", "2100-01-01T12:00:00Z"), "starts_at"},
      {"POST", show(s, e, R"(,"status":"CANCELLED")"), "status"},
      {"POST", show(s, e, R"(,"seat_version":3)"), "seat_version"},
      {"POST", show(s, e, R"(,"owner_id":3)"), "owner_id"},
      {"POST",
       R"({"hall_id":1,"title":"M","starts_at":")" + s + R"(","ends_at":")" + e +
           R"(","base_price_cents":-1,"currency":"EUR"})",
       "base_price_cents"},
      {"POST",
       R"({"hall_id":1,"title":"M","starts_at":")" + s + R"(","ends_at":")" + e +
           R"(","base_price_cents":10000001,"currency":"EUR"})",
       "base_price_cents"},
      {"POST",
       R"({"hall_id":1,"title":"M","starts_at":")" + s + R"(","ends_at":")" + e +
           R"(","base_price_cents":12.5,"currency":"EUR"})",
       "base_price_cents"},
      {"POST",
       R"({"hall_id":1,"title":"M","starts_at":")" + s + R"(","ends_at":")" + e +
           R"(","base_price_cents":100,"currency":"XBT"})",
       "currency"},
      {"POST",
       R"({"hall_id":1,"title":"","starts_at":")" + s + R"(","ends_at":")" + e +
           R"(","base_price_cents":100,"currency":"EUR"})",
       "title"},
      {"POST",
       R"({"title":"M","starts_at":")" + s + R"(","ends_at":")" + e +
           R"(","base_price_cents":100,"currency":"EUR"})",
       "hall_id"},
      {"PUT", R"({"title":"M","starts_at":")" + s + R"(","ends_at":")" + e + R"("})",
       "base_price_cents"},
      {"PATCH", R"({"hall_id":2})", "hall_id"},
      {"PATCH", R"({"status":"CANCELLED"})", "status"},
      {"PATCH", R"({"currency":"usd"})", "currency"},
      {"PATCH", R"({"starts_at":"2027-02-01 18:00:00"})", "starts_at"},
      {"PATCH", R"({"starts_at":")" + e + R"(","ends_at":")" + s + R"("})", "ends_at"},
      {"POST", show(s, e, R"(,"prices":{"GOLD":100})"), "prices.GOLD"},
      {"POST", show(s, e, R"(,"prices":{"VIP":-1})"), "prices.VIP"},
      {"POST", show(s, e, R"(,"prices":{"VIP":10000001})"), "prices.VIP"},
      {"POST", show(s, e, R"(,"prices":{"VIP":"900"})"), "prices.VIP"},
      {"POST", show(s, e, R"(,"prices":[900])"), "prices"},
      {"POST", show(s, e, R"(,"film_id":0)"), "film_id"},
      {"POST", show(s, e, R"(,"film_id":"7")"), "film_id"},
      {"POST",
       R"({"hall_id":1,"starts_at":")" + s + R"(","ends_at":")" + e +
           R"(","base_price_cents":100,"currency":"EUR"})",
       "title"},
      {"PATCH", R"({"prices":{"COMPANION":1.5}})", "prices.COMPANION"},
      {"PATCH", R"({"prices":null})", "prices"},
      {"PATCH", R"({"film_id":-4})", "film_id"},
  };
  for (const auto& c : cases) {
    std::string path = c.method == "POST" ? "/v1/shows" : "/v1/shows/5";
    Response r = router().dispatch(make(c.method, path, c.body, "OWNER", ctx), ctx);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.body;
    EXPECT_TRUE(names_field(r, c.field)) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(router().dispatch(make("PATCH", "/v1/shows/5", "{}", "OWNER", ctx), ctx).status, 400);
}

TEST(OwnerShows, PastStartIsUnprocessable) {
  Context ctx = test_context();
  Response r = router().dispatch(
      make("POST", "/v1/shows", show("2027-01-15T07:59:59Z", "2027-01-15T10:00:00Z"), "OWNER", ctx),
      ctx);
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(names_field(r, "starts_at")) << r.body;
  // Offsets count: 09:30+02:00 is 07:30Z, before "now" (08:00Z).
  r = router().dispatch(
      make("POST", "/v1/shows", show("2027-01-15T09:30:00+02:00", "2027-01-15T11:00:00+02:00"),
           "OWNER", ctx),
      ctx);
  EXPECT_EQ(r.status, 422);
}

TEST(OwnerShows, BadIdsAreNotFoundAndOtherMethodsNotAllowed) {
  Context ctx = test_context();
  for (const char* path : {"/v1/shows/next", "/v1/shows/0", "/v1/shows/-3"}) {
    EXPECT_EQ(router().dispatch(make("DELETE", path, "", "OWNER", ctx), ctx).status, 404) << path;
    EXPECT_EQ(router().dispatch(make("PATCH", path, R"({"title":"x"})", "OWNER", ctx), ctx).status,
              404);
  }
  EXPECT_EQ(router().dispatch(make("GET", "/v1/shows/1", "", "OWNER", ctx), ctx).status, 405);
  EXPECT_EQ(router().dispatch(make("GET", "/v1/shows", "", "OWNER", ctx), ctx).status, 405);
  EXPECT_EQ(router().dispatch(make("POST", "/v1/shows/1/hold", "{}", "OWNER", ctx), ctx).status,
            404);
}

TEST(OwnerShows, ValidRequestsReachTheDatabase) {
  Context ctx = test_context();
  EXPECT_THROW(
      router().dispatch(make("POST", "/v1/shows",
                             show("2027-02-01T18:00:00Z", "2027-02-02T18:00:00Z"), "OWNER", ctx),
                        ctx),
      DbUnavailable);
  // The past is judged against the stored times inside the transaction for PATCH.
  EXPECT_THROW(
      router().dispatch(
          make("PATCH", "/v1/shows/4", R"({"ends_at":"2027-02-01T21:00:00Z"})", "ADMIN", ctx), ctx),
      DbUnavailable);
  EXPECT_THROW(router().dispatch(
                   make("PATCH", "/v1/shows/4", R"({"base_price_cents":0})", "OWNER", ctx), ctx),
               DbUnavailable);
  EXPECT_THROW(router().dispatch(make("DELETE", "/v1/shows/4", "", "OWNER", ctx), ctx),
               DbUnavailable);
  // A film instead of a title; prices for some types.
  EXPECT_THROW(
      router().dispatch(make("POST", "/v1/shows",
                             R"({"hall_id":1,"film_id":3,"starts_at":"2027-02-01T18:00:00Z",)"
                             R"("ends_at":"2027-02-01T20:00:00Z","base_price_cents":1000,)"
                             R"("currency":"EUR","prices":{"VIP":1800,"COMPANION":0}})",
                             "OWNER", ctx),
                        ctx),
      DbUnavailable);
  EXPECT_THROW(router().dispatch(
                   make("PATCH", "/v1/shows/4", R"({"prices":{},"film_id":2})", "OWNER", ctx), ctx),
               DbUnavailable);
}

}  // namespace
}  // namespace cinema::owner_shows
