#include "cinema/jwt.h"

#include <gtest/gtest.h>

#include "cinema/crypto.h"

namespace cinema {
namespace {

JwtSettings settings() {
  JwtSettings s;
  s.secret = "0123456789abcdef0123456789abcdef";
  return s;
}

std::string forge(const std::string& header, const std::string& payload,
                  const std::string& secret) {
  std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  return input + "." + base64url_encode(hmac_sha256(secret, input));
}

constexpr int64_t kNow = 1'800'000'000;

TEST(Jwt, RoundTrip) {
  auto s = settings();
  std::string t = sign_access_token(s, 42, "OWNER", kNow);
  auto c = verify_access_token(s, t, kNow + 10);
  ASSERT_TRUE(c.ok()) << c.problem().detail;
  EXPECT_EQ(c->user_id, 42);
  EXPECT_EQ(c->role, "OWNER");
  EXPECT_EQ(c->expires_at, kNow + s.access_ttl_s);
}

TEST(Jwt, RejectsExpired) {
  auto s = settings();
  std::string t = sign_access_token(s, 1, "CUSTOMER", kNow);
  auto c = verify_access_token(s, t, kNow + s.access_ttl_s);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.problem().status, 401);
}

TEST(Jwt, RejectsAlgNone) {
  auto s = settings();
  std::string payload = R"({"iss":"cinema","aud":"cinema-api","sub":"1","role":"ADMIN",)"
                        R"("typ":"access","iat":1800000000,"exp":1800000900})";
  std::string t =
      base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + base64url_encode(payload) + ".";
  EXPECT_FALSE(verify_access_token(s, t, kNow).ok());
  // Even "none" with a valid HMAC is refused: the algorithm is pinned.
  EXPECT_FALSE(verify_access_token(s, forge(R"({"alg":"none"})", payload, s.secret), kNow).ok());
  EXPECT_FALSE(verify_access_token(s, forge(R"({"alg":"HS512"})", payload, s.secret), kNow).ok());
  EXPECT_TRUE(verify_access_token(s, forge(R"({"alg":"HS256"})", payload, s.secret), kNow).ok());
}

TEST(Jwt, RejectsTamperedPayloadAndWrongSecret) {
  auto s = settings();
  std::string t = sign_access_token(s, 1, "CUSTOMER", kNow);
  size_t d1 = t.find('.'), d2 = t.rfind('.');
  std::string payload = *base64url_decode(t.substr(d1 + 1, d2 - d1 - 1));
  payload.replace(payload.find("CUSTOMER"), 8, "ADMIN");
  std::string tampered = t.substr(0, d1 + 1) + base64url_encode(payload) + t.substr(d2);
  EXPECT_FALSE(verify_access_token(s, tampered, kNow).ok());
  auto other = s;
  other.secret = "another-secret-another-secret-0000";
  EXPECT_FALSE(verify_access_token(other, t, kNow).ok());
}

TEST(Jwt, RejectsWrongIssuerAudienceTypAndShape) {
  auto s = settings();
  auto payload = [](const char* iss, const char* aud, const char* typ) {
    return std::string(R"({"iss":")") + iss + R"(","aud":")" + aud + R"(","sub":"1",)" +
           R"("role":"CUSTOMER","typ":")" + typ + R"(","iat":1800000000,"exp":1800000900})";
  };
  const std::string h = R"({"alg":"HS256","typ":"JWT"})";
  EXPECT_TRUE(
      verify_access_token(s, forge(h, payload("cinema", "cinema-api", "access"), s.secret), kNow)
          .ok());
  EXPECT_FALSE(
      verify_access_token(s, forge(h, payload("evil", "cinema-api", "access"), s.secret), kNow)
          .ok());
  EXPECT_FALSE(
      verify_access_token(s, forge(h, payload("cinema", "other", "access"), s.secret), kNow).ok());
  EXPECT_FALSE(
      verify_access_token(s, forge(h, payload("cinema", "cinema-api", "refresh"), s.secret), kNow)
          .ok());
  EXPECT_FALSE(verify_access_token(s, "abc", kNow).ok());
  EXPECT_FALSE(verify_access_token(s, "a.b.c.d", kNow).ok());
  EXPECT_FALSE(verify_access_token(s, "!!.??.##", kNow).ok());
}

}  // namespace
}  // namespace cinema
