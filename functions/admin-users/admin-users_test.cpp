#include "admin-users.h"

#include <gtest/gtest.h>

#include "cinema/jwt.h"
#include "cinema/testing.h"
#include "cinema/timefmt.h"
#include "user_query.h"

namespace cinema::admin_users {
namespace {

using testing::names_field;

Request make(std::string method, std::string path, std::string body, const std::string& role,
             Context& ctx) {
  return testing::json_request(std::move(method), std::move(path), std::move(body), role, ctx);
}

Request list(std::string query_string, Context& ctx, const std::string& role = "ADMIN") {
  Request r = make("GET", "/v1/admin/users", "", role, ctx);
  r.query_string = std::move(query_string);
  r.query = parse_query(r.query_string);
  return r;
}

TEST(UserQuery, EscapesLikeWildcards) {
  EXPECT_EQ(contains_pattern("ann"), "%ann%");
  EXPECT_EQ(contains_pattern("50%_off!"), "%50!%!_off!!%");
  EXPECT_EQ(contains_pattern(""), "%%");
}

TEST(UserQuery, DefaultsCapsAndCursors) {
  Context ctx(Config::for_tests());
  auto q = parse_user_query(list("", ctx));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->limit, 20);
  EXPECT_EQ(q->after_id, 0);
  EXPECT_FALSE(q->like);
  EXPECT_FALSE(q->role);
  q = parse_user_query(list("limit=1000&role=OWNER&q=a%2Bb", ctx));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->limit, 100);
  EXPECT_EQ(*q->role, "OWNER");
  EXPECT_EQ(*q->like, "%a+b%");
  q = parse_user_query(list("cursor=" + cursor_after(42), ctx));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->after_id, 42);
}

TEST(UserQuery, RejectsInvalidParameters) {
  Context ctx(Config::for_tests());
  struct Case {
    std::string qs;
    const char* field;
  } cases[] = {
      {"limit=0", "limit"},
      {"limit=-5", "limit"},
      {"limit=ten", "limit"},
      {"limit=99999999999999", "limit"},
      {"role=owner", "role"},
      {"role=ROOT", "role"},
      {"cursor=garbage!", "cursor"},
      {"cursor=" + encode_cursor("{\"after_id\":\"5\"}"), "cursor"},
      {"cursor=" + encode_cursor("{\"after_id\":-1}"), "cursor"},
      {"cursor=" + encode_cursor("[5]"), "cursor"},
      {"q=" + std::string(300, 'a'), "q"},
  };
  for (const auto& c : cases) {
    Response r = router().dispatch(list(c.qs, ctx), ctx);
    EXPECT_EQ(r.status, 400) << c.qs;
    EXPECT_TRUE(names_field(r, c.field)) << c.qs << " -> " << r.body;
  }
}

TEST(AdminUsers, OnlyAdmins) {
  Context ctx(Config::for_tests());
  EXPECT_EQ(router().dispatch(list("", ctx, ""), ctx).status, 401);
  EXPECT_EQ(router().dispatch(list("", ctx, "CUSTOMER"), ctx).status, 403);
  EXPECT_EQ(router().dispatch(list("", ctx, "OWNER"), ctx).status, 403);
  for (const char* role : {"", "CUSTOMER", "OWNER"}) {
    Response r = router().dispatch(
        make("PATCH", "/v1/admin/users/2", R"({"role":"ADMIN"})", role, ctx), ctx);
    EXPECT_EQ(r.status, *role == '\0' ? 401 : 403) << role;
  }
}

TEST(AdminUsers, ValidatesRoleChanges) {
  Context ctx(Config::for_tests());
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"({})", "role"},
      {R"({"role":"ROOT"})", "role"},
      {R"({"role":"admin"})", "role"},
      {R"({"role":1})", "role"},
      {R"({"role":"OWNER","email":"x@y.de"})", "email"},
      {R"({"role":"OWNER","id":3})", "id"},
  };
  for (const auto& c : cases) {
    Response r = router().dispatch(make("PATCH", "/v1/admin/users/2", c.body, "ADMIN", ctx), ctx);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_TRUE(names_field(r, c.field)) << c.body << " -> " << r.body;
  }
  for (const char* path : {"/v1/admin/users/x", "/v1/admin/users/0"}) {
    EXPECT_EQ(
        router().dispatch(make("PATCH", path, R"({"role":"OWNER"})", "ADMIN", ctx), ctx).status,
        404);
  }
  EXPECT_EQ(router().dispatch(make("GET", "/v1/admin/users/2", "", "ADMIN", ctx), ctx).status, 405);
  EXPECT_EQ(router().dispatch(make("POST", "/v1/admin/users", "{}", "ADMIN", ctx), ctx).status,
            405);
  EXPECT_EQ(router().dispatch(make("DELETE", "/v1/admin/users/2", "", "ADMIN", ctx), ctx).status,
            405);
}

TEST(AdminUsers, ValidRequestsReachTheDatabase) {
  Context ctx(Config::for_tests());
  EXPECT_THROW(router().dispatch(list("q=ann&role=OWNER&limit=5", ctx), ctx), DbUnavailable);
  EXPECT_THROW(router().dispatch(
                   make("PATCH", "/v1/admin/users/2", R"({"role":"OWNER"})", "ADMIN", ctx), ctx),
               DbUnavailable);
}

}  // namespace
}  // namespace cinema::admin_users
