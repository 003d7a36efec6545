#include "hold.h"

#include <gtest/gtest.h>

#include "cinema/jwt.h"
#include "cinema/testing.h"

namespace cinema::hold {
namespace {

Request hold_request(Context& ctx, std::string body, const std::string& role = "CUSTOMER") {
  Request r;
  r.method = "POST";
  r.path = "/v1/shows/7/hold";
  r.headers["content-type"] = "application/json";
  testing::fake_accounts(ctx).accounts[5] = AccountState{role, false};
  r.headers["authorization"] =
      "Bearer " + sign_access_token(ctx.config().jwt, 5, role, ctx.clock().now_s());
  r.body = std::move(body);
  return r;
}

TEST(Hold, RefusesBadBodiesBeforeTouchingSeats) {
  Context ctx(Config::for_tests());
  for (const char* body : {
           R"({})",                                      // neither mode
           R"({"seat_ids":[1],"count":1})",              // both modes
           R"({"seat_ids":[]})",                         // empty
           R"({"seat_ids":[1,1]})",                      // duplicates
           R"({"seat_ids":[1,2,3,4,5,6,7,8,9,10,11]})",  // over the cap
           R"({"seat_ids":[0]})",                        // not an id
           R"({"count":11})",                            // over the cap
           R"({"count":2,"together":"yes"})",            // wrong type
           R"({"seat_ids":[1],"user_id":3})",            // privileged field
       }) {
    Response r = router().dispatch(hold_request(ctx, body), ctx);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.content_type, "application/problem+json");
  }
}

TEST(Hold, NeedsACustomerToken) {
  Context ctx(Config::for_tests());
  Request r = hold_request(ctx, R"({"seat_ids":[1]})", "OWNER");
  EXPECT_EQ(router().dispatch(r, ctx).status, 403);
  r.headers.erase("authorization");
  EXPECT_EQ(router().dispatch(r, ctx).status, 401);
  r.path = "/v1/shows/x/hold";
  EXPECT_EQ(router().dispatch(r, ctx).status, 404);
}

}  // namespace
}  // namespace cinema::hold
