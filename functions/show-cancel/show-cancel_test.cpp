#include "show-cancel.h"

#include <gtest/gtest.h>

#include "cinema/jwt.h"
#include "cinema/testing.h"

namespace cinema::show_cancel {
namespace {

Request cancel_request(Context& ctx, int64_t user_id, const std::string& role,
                       const std::string& body) {
  testing::fake_accounts(ctx).accounts[user_id] = AccountState{role, false};
  Request r;
  r.method = "POST";
  r.path = "/v1/shows/3/cancel";
  r.headers["content-type"] = "application/json";
  r.headers["authorization"] =
      "Bearer " + sign_access_token(ctx.config().jwt, user_id, role, ctx.clock().now_s());
  r.body = body;
  return r;
}

TEST(ShowCancel, OnlyOwnersAndAdminsAndOnlyWithAReason) {
  Context ctx(Config::for_tests());
  EXPECT_EQ(router().dispatch(cancel_request(ctx, 9, "CUSTOMER", R"({"reason":"x"})"), ctx).status,
            403);
  for (const char* body : {R"({})", R"({"reason":""})", R"({"reason":"  "})", R"({"reason":5})",
                           R"({"reason":"flood","status":"CANCELLED"})"}) {
    Response r = router().dispatch(cancel_request(ctx, 10, "OWNER", body), ctx);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.content_type, "application/problem+json") << body;
  }
  Request anonymous = cancel_request(ctx, 11, "OWNER", R"({"reason":"x"})");
  anonymous.headers.erase("authorization");
  EXPECT_EQ(router().dispatch(anonymous, ctx).status, 401);
}

}  // namespace
}  // namespace cinema::show_cancel
