#include "owner-cinemas.h"

#include <gtest/gtest.h>

#include "cinema/jwt.h"
#include "cinema/testing.h"

namespace cinema::owner_cinemas {
namespace {

// Every case that returns here is decided before the database is touched: the
// test config points at nothing, so reaching it throws DbUnavailable.
using testing::names_field;

Request make(std::string method, std::string path, std::string body, const std::string& role,
             Context& ctx) {
  return testing::json_request(std::move(method), std::move(path), std::move(body), role, ctx);
}

TEST(OwnerCinemas, RequiresAnOwnerToken) {
  Context ctx(Config::for_tests());
  const std::string body = R"({"name":"Roxy","city":"Berlin"})";
  EXPECT_EQ(router().dispatch(make("POST", "/v1/cinemas", body, "", ctx), ctx).status, 401);
  EXPECT_EQ(router().dispatch(make("POST", "/v1/cinemas", body, "CUSTOMER", ctx), ctx).status, 403);
  EXPECT_EQ(router().dispatch(make("PATCH", "/v1/cinemas/1", body, "CUSTOMER", ctx), ctx).status,
            403);
  EXPECT_EQ(router().dispatch(make("DELETE", "/v1/cinemas/1", "", "", ctx), ctx).status, 401);
  Request bad = make("POST", "/v1/cinemas", body, "", ctx);
  bad.headers["authorization"] = "Bearer not-a-token";
  EXPECT_EQ(router().dispatch(bad, ctx).status, 401);
}

TEST(OwnerCinemas, ValidatesTheBody) {
  Context ctx(Config::for_tests());
  struct Case {
    const char* method;
    const char* body;
    const char* field;
  } cases[] = {
      {"POST", R"({"city":"Berlin"})", "name"},
      {"POST", R"({"name":"Roxy"})", "city"},
      {"POST", R"({"name":"","city":"Berlin"})", "name"},
      {"POST", R"({"name":"   ","city":"Berlin"})", "name"},
      {"POST", R"({"name":"Roxy","city":"Berlin","owner_id":3})", "owner_id"},
      {"POST", R"({"name":"Roxy","city":"Berlin","id":3})", "id"},
      {"POST", R"({"name":"Roxy","city":"Berlin","timezone":"Mars"})", "timezone"},
      {"POST", R"({"name":"Roxy","city":"Berlin","timezone":"Europe//Berlin"})", "timezone"},
      {"POST", R"({"name":"Roxy","city":"Berlin","timezone":"europe/berlin"})", "timezone"},
      {"POST", R"({"name":"Roxy","city":"Berlin","address":5})", "address"},
      {"POST", R"({"name":"a\u0001b","city":"Berlin"})", "name"},
      {"PUT", R"({"name":"Roxy","city":"Berlin"})", "address"},
      {"PUT", R"({"name":"Roxy","city":"Berlin","address":""})", "timezone"},
      {"PATCH", R"({"name":null})", "name"},
      {"PATCH", R"({"status":"OPEN"})", "status"},
  };
  for (const auto& c : cases) {
    std::string path = std::string(c.method) == "POST" ? "/v1/cinemas" : "/v1/cinemas/5";
    Response r = router().dispatch(make(c.method, path, c.body, "OWNER", ctx), ctx);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_TRUE(names_field(r, c.field)) << c.body << " -> " << r.body;
  }
  std::string long_name(201, 'x');
  Response r = router().dispatch(
      make("POST", "/v1/cinemas", R"({"name":")" + long_name + R"(","city":"B"})", "OWNER", ctx),
      ctx);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(names_field(r, "name"));
  EXPECT_EQ(router().dispatch(make("PATCH", "/v1/cinemas/5", "{}", "OWNER", ctx), ctx).status, 400);
  EXPECT_EQ(router().dispatch(make("PATCH", "/v1/cinemas/5", "[]", "OWNER", ctx), ctx).status, 400);
  Request text = make("POST", "/v1/cinemas", "name=x", "OWNER", ctx);
  text.headers["content-type"] = "text/plain";
  EXPECT_EQ(router().dispatch(text, ctx).status, 415);
}

TEST(OwnerCinemas, BadIdsAreNotFoundAndOtherMethodsNotAllowed) {
  Context ctx(Config::for_tests());
  for (const char* path :
       {"/v1/cinemas/abc", "/v1/cinemas/0", "/v1/cinemas/-1", "/v1/cinemas/99999999999999999999"}) {
    EXPECT_EQ(router().dispatch(make("DELETE", path, "", "OWNER", ctx), ctx).status, 404) << path;
    EXPECT_EQ(router().dispatch(make("PATCH", path, R"({"name":"x"})", "OWNER", ctx), ctx).status,
              404);
  }
  Response get = router().dispatch(make("GET", "/v1/cinemas/1", "", "OWNER", ctx), ctx);
  EXPECT_EQ(get.status, 405);
  ASSERT_FALSE(get.headers.empty());
  EXPECT_EQ(get.headers[0].first, "Allow");
  EXPECT_EQ(router().dispatch(make("DELETE", "/v1/cinemas", "", "OWNER", ctx), ctx).status, 405);
  EXPECT_EQ(router().dispatch(make("POST", "/v1/cinemas/1/halls", "{}", "OWNER", ctx), ctx).status,
            404);
}

TEST(OwnerCinemas, ValidRequestsReachTheDatabase) {
  Context ctx(Config::for_tests());
  const std::string body =
      R"({"name":"Roxy","city":"Berlin","address":"","timezone":"America/Argentina/Buenos_Aires"})";
  EXPECT_THROW(router().dispatch(make("POST", "/v1/cinemas", body, "OWNER", ctx), ctx),
               DbUnavailable);
  EXPECT_THROW(router().dispatch(make("POST", "/v1/cinemas", body, "ADMIN", ctx), ctx),
               DbUnavailable);
  EXPECT_THROW(router().dispatch(make("PUT", "/v1/cinemas/3", body, "OWNER", ctx), ctx),
               DbUnavailable);
  EXPECT_THROW(
      router().dispatch(make("PATCH", "/v1/cinemas/3", R"({"timezone":"UTC"})", "OWNER", ctx), ctx),
      DbUnavailable);
  EXPECT_THROW(router().dispatch(make("DELETE", "/v1/cinemas/3", "", "OWNER", ctx), ctx),
               DbUnavailable);
}

}  // namespace
}  // namespace cinema::owner_cinemas
