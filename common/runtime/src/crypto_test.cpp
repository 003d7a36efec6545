#include "cinema/crypto.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

TEST(Base64Url, RoundTripsAllLengths) {
  std::string raw;
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(base64url_decode(base64url_encode(raw)), raw);
    raw.push_back(static_cast<char>(i * 37));
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64url_decode("ab=c"));
  EXPECT_FALSE(base64url_decode("a"));
}

TEST(Hashes, KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(hmac_sha256("key", "The quick brown fox jumps over the lazy dog")),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

TEST(RandomToken, Has256BitsAndDiffers) {
  std::string a = random_token(32), b = random_token(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
}

TEST(Password, Argon2idRoundTrip) {
  std::string h = hash_password("correct horse", 2, 19456);
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_NE(h.find("m=19456,t=2"), std::string::npos);
  EXPECT_TRUE(verify_password(h, "correct horse"));
  EXPECT_FALSE(verify_password(h, "correct horsE"));
  EXPECT_FALSE(verify_password("plaintext", "plaintext"));
  EXPECT_FALSE(password_needs_rehash(h, 2, 19456));
  EXPECT_TRUE(password_needs_rehash(h, 3, 19456));
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace cinema
