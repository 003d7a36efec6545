#include "me.h"

#include <gtest/gtest.h>

#include "cinema/crypto.h"
#include "cinema/jwt.h"

namespace cinema::me {
namespace {

Request get_with(const std::string& auth) {
  Request r;
  r.method = "GET";
  r.path = "/v1/me";
  if (!auth.empty()) r.headers["authorization"] = auth;
  return r;
}

TEST(Me, RefusesMissingOrInvalidTokens) {
  Context ctx(Config::for_tests());
  Response missing = handle(get_with(""), ctx);
  EXPECT_EQ(missing.status, 401);
  ASSERT_FALSE(missing.headers.empty());
  EXPECT_EQ(missing.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(handle(get_with("Basic abc"), ctx).status, 401);
  EXPECT_EQ(handle(get_with("Bearer garbage"), ctx).status, 401);
  std::string none = base64url_encode(R"({"alg":"none"})") + "." +
                     base64url_encode(R"({"sub":"1","role":"ADMIN"})") + ".";
  EXPECT_EQ(handle(get_with("Bearer " + none), ctx).status, 401);
  std::string expired =
      sign_access_token(ctx.config().jwt, 1, "CUSTOMER", ctx.clock().now_s() - 3600);
  EXPECT_EQ(handle(get_with("Bearer " + expired), ctx).status, 401);
}

TEST(Me, ValidTokenReachesTheDatabase) {
  Context ctx(Config::for_tests());
  std::string token = sign_access_token(ctx.config().jwt, 1, "CUSTOMER", ctx.clock().now_s());
  EXPECT_THROW(handle(get_with("bearer " + token), ctx), DbUnavailable);
}

}  // namespace
}  // namespace cinema::me
