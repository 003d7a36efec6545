#include "cinema/payment.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace cinema {
namespace {

using Kind = GatewayReply::Kind;

TEST(GatewayReply, ApprovedOnlyWith2xxAndAnId) {
  GatewayReply ok = read_gateway_reply(true, 201, R"({"id":"auth_1","status":"authorized"})");
  EXPECT_EQ(ok.kind, Kind::kApproved);
  EXPECT_EQ(ok.id, "auth_1");
  // A 2xx without an id cannot be recorded: asked again under the same key.
  EXPECT_EQ(read_gateway_reply(true, 200, "{}").kind, Kind::kUnavailable);
  EXPECT_EQ(read_gateway_reply(true, 200, "not json").kind, Kind::kUnavailable);
}

TEST(GatewayReply, DeclinesCarryTheGatewaysReason) {
  GatewayReply d = read_gateway_reply(true, 402, R"({"reason":"insufficient funds"})");
  EXPECT_EQ(d.kind, Kind::kDeclined);
  EXPECT_EQ(d.reason, "insufficient funds");
  GatewayReply bare = read_gateway_reply(true, 422, "");
  EXPECT_EQ(bare.kind, Kind::kDeclined);
  EXPECT_NE(bare.reason.find("422"), std::string::npos);
  GatewayReply long_reason =
      read_gateway_reply(true, 402, "{\"reason\":\"" + std::string(500, 'x') + "\"}");
  EXPECT_EQ(long_reason.reason.size(), 200u);
}

TEST(GatewayReply, OutagesAndRetryableStatusesAreUnavailableNotDeclined) {
  EXPECT_EQ(read_gateway_reply(false, 0, "", "Connection refused").kind, Kind::kUnavailable);
  for (long status : {500L, 502L, 503L, 504L, 408L, 409L, 429L, 100L}) {
    EXPECT_EQ(read_gateway_reply(true, status, R"({"reason":"busy"})").kind, Kind::kUnavailable)
        << status;
  }
}

TEST(MockProvider, DeclinesTheTestTokenAndAnswersTheSameKeyTheSame) {
  MockPaymentProvider p;
  Authorization a = p.authorize({1, 2, 1000, "EUR", ""}, payment_key_for_hold(2, 1));
  EXPECT_TRUE(a.approved);
  EXPECT_FALSE(a.unavailable);
  EXPECT_FALSE(p.authorize({1, 2, 1000, "EUR", "tok_decline"}, "k").approved);
  RefundResult r1 = p.refund({a.reference, 600, "EUR"}, refund_key_for_reservation(9));
  RefundResult r2 = p.refund({a.reference, 600, "EUR"}, refund_key_for_reservation(9));
  EXPECT_EQ(r1.outcome, RefundResult::Outcome::kRefunded);
  EXPECT_EQ(r1.reference, r2.reference);
  EXPECT_NE(r1.reference,
            p.refund({a.reference, 600, "EUR"}, refund_key_for_reservation(10)).reference);
  EXPECT_EQ(p.refund({a.reference, 0, "EUR"}, "k").outcome, RefundResult::Outcome::kRefused);
}

TEST(PaymentKeys, OnePerHoldAttemptAndOnePerReservationRefund) {
  EXPECT_EQ(payment_key_for_hold(7, 2), "hold-7-2");
  EXPECT_EQ(refund_key_for_reservation(41), "refund-reservation-41");
}

TEST(HttpProvider, AGatewayThatCannotBeReachedIsUnavailable) {
  PaymentSettings s;
  s.provider = "http";
  s.url = "http://127.0.0.1:1";  // nothing listens on port 1
  s.secret = "unit-test-gateway-secret";
  s.connect_timeout_ms = 200;
  s.timeout_ms = 500;
  HttpPaymentProvider p(s);
  Authorization a = p.authorize({1, 2, 1000, "EUR", "tok"}, "hold-2-1");
  EXPECT_FALSE(a.approved);
  EXPECT_TRUE(a.unavailable);
  EXPECT_EQ(p.refund({"auth_1", 100, "EUR"}, "refund-reservation-1").outcome,
            RefundResult::Outcome::kUnavailable);
  EXPECT_FALSE(p.capture("auth_1"));
  EXPECT_FALSE(p.void_authorization("auth_1"));
}

TEST(PaymentProviderChoice, MockByDefaultHttpWhenConfigured) {
  Config c = Config::for_tests();
  EXPECT_NE(dynamic_cast<MockPaymentProvider*>(make_payment_provider(c).get()), nullptr);
  c.payment.provider = "http";
  c.payment.url = "https://gateway.invalid";
  c.payment.secret = "unit-test-gateway-secret";
  EXPECT_NE(dynamic_cast<HttpPaymentProvider*>(make_payment_provider(c).get()), nullptr);
}

TEST(PaymentSettings, TheHttpProviderNeedsAUrlAndASecret) {
  setenv("CINEMA_JWT_SECRET", "unit-test-secret-unit-test-secret-0123456789", 1);
  setenv("CINEMA_PAYMENT_PROVIDER", "http", 1);
  unsetenv("CINEMA_PAYMENT_HTTP_URL");
  setenv("CINEMA_PAYMENT_HTTP_SECRET", "unit-test-gateway-secret", 1);
  EXPECT_THROW(Config::from_env(), std::runtime_error);
  setenv("CINEMA_PAYMENT_HTTP_URL", "https://gateway.example/v1/", 1);
  setenv("CINEMA_PAYMENT_HTTP_SECRET", "short", 1);
  EXPECT_THROW(Config::from_env(), std::runtime_error);
  setenv("CINEMA_PAYMENT_HTTP_SECRET", "unit-test-gateway-secret", 1);
  setenv("CINEMA_PAYMENT_TIMEOUT_MS", "2500", 1);
  Config c = Config::from_env();
  EXPECT_EQ(c.payment.url, "https://gateway.example/v1");  // no trailing slash
  EXPECT_EQ(c.payment.timeout_ms, 2500);
  setenv("CINEMA_PAYMENT_PROVIDER", "paypal", 1);
  EXPECT_THROW(Config::from_env(), std::runtime_error);
  for (const char* v : {"CINEMA_PAYMENT_PROVIDER", "CINEMA_PAYMENT_HTTP_URL",
                        "CINEMA_PAYMENT_HTTP_SECRET", "CINEMA_PAYMENT_TIMEOUT_MS"}) {
    unsetenv(v);
  }
  EXPECT_EQ(Config::from_env().payment.provider, "mock");
  unsetenv("CINEMA_JWT_SECRET");
}

}  // namespace
}  // namespace cinema
