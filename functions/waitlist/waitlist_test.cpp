#include "waitlist.h"

#include <gtest/gtest.h>

#include "cinema/jwt.h"
#include "cinema/testing.h"

namespace cinema::waitlist {
namespace {

TEST(Waitlist, ValidatesBeforeTheDatabase) {
  Context ctx(Config::for_tests());
  Request r;
  r.method = "POST";
  r.path = "/v1/shows/3/waitlist";
  r.headers["content-type"] = "application/json";
  testing::fake_accounts(ctx).accounts[9] = AccountState{"CUSTOMER", false};
  r.headers["authorization"] =
      "Bearer " + sign_access_token(ctx.config().jwt, 9, "CUSTOMER", ctx.clock().now_s());
  for (const char* body :
       {R"({})", R"({"seats":0})", R"({"seats":11})", R"({"seats":2,"together":1})",
        R"({"seats":2,"status":"ASSIGNED"})", R"({"seats":1,"payment_token":""})",
        R"({"seats":1,"payment_token":7})", R"({"seats":1,"payment_token":"tok\u0001"})"}) {
    r.body = body;
    EXPECT_EQ(router().dispatch(r, ctx).status, 400) << body;
  }
  testing::fake_accounts(ctx).accounts[9] = AccountState{"OWNER", false};
  r.headers["authorization"] =
      "Bearer " + sign_access_token(ctx.config().jwt, 9, "OWNER", ctx.clock().now_s());
  r.body = R"({"seats":2})";
  EXPECT_EQ(router().dispatch(r, ctx).status, 403);
  r.method = "GET";
  r.path = "/v1/my-waitlist";
  r.headers.erase("authorization");
  EXPECT_EQ(router().dispatch(r, ctx).status, 401);
}

}  // namespace
}  // namespace cinema::waitlist
