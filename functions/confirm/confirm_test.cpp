#include "confirm.h"

#include <gtest/gtest.h>

#include "cinema/jwt.h"
#include "cinema/payment.h"
#include "cinema/testing.h"

namespace cinema::confirm {
namespace {

TEST(Confirm, ValidatesBodyAndKey) {
  Context ctx(Config::for_tests());
  Request r;
  r.method = "POST";
  r.path = "/v1/shows/7/confirm";
  r.headers["content-type"] = "application/json";
  testing::fake_accounts(ctx).accounts[5] = AccountState{"CUSTOMER", false};
  r.headers["authorization"] =
      "Bearer " + sign_access_token(ctx.config().jwt, 5, "CUSTOMER", ctx.clock().now_s());
  r.body = R"({"hold_id":"x"})";
  EXPECT_EQ(router().dispatch(r, ctx).status, 400);
  r.body = R"({"hold_id":1,"status":"CONFIRMED"})";
  EXPECT_EQ(router().dispatch(r, ctx).status, 400);
}

TEST(Confirm, TheCurrentRoleDecidesNotTheToken) {
  Context ctx(Config::for_tests());
  // A token that says CUSTOMER, for an account whose state changed since.
  Request r = testing::json_request("POST", "/v1/shows/7/confirm", R"({"hold_id":"x"})", "CUSTOMER",
                                    ctx, 5);
  auto& accounts = testing::fake_accounts(ctx).accounts;
  accounts[5] = AccountState{"OWNER", false};  // promoted since the token was signed
  EXPECT_EQ(router().dispatch(r, ctx).status, 403);
  accounts[5] = AccountState{"CUSTOMER", true};  // disabled
  EXPECT_EQ(router().dispatch(r, ctx).status, 401);
  accounts.erase(5);  // deleted
  EXPECT_EQ(router().dispatch(r, ctx).status, 401);
}

TEST(MockPayment, DeclinesOnlyTheTestToken) {
  MockPaymentProvider p;
  auto approved = p.authorize({1, 2, 1000, "EUR", ""}, payment_key_for_hold(2, 1));
  EXPECT_TRUE(approved.approved);
  // Idempotent per key: the same key gives the same authorization.
  EXPECT_EQ(p.authorize({1, 2, 1000, "EUR", ""}, payment_key_for_hold(2, 1)).reference,
            approved.reference);
  EXPECT_NE(p.authorize({1, 2, 1000, "EUR", ""}, payment_key_for_hold(2, 2)).reference,
            approved.reference);
  auto declined = p.authorize({1, 2, 1000, "EUR", "tok_decline"}, payment_key_for_hold(2, 1));
  EXPECT_FALSE(declined.approved);
  EXPECT_FALSE(declined.reason.empty());
}

}  // namespace
}  // namespace cinema::confirm
