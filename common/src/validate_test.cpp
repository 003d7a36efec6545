#include "cinema/validate.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

TEST(Email, NormalisesAndValidates) {
  EXPECT_EQ(normalize_email("  MiXeD@Example.COM "), "mixed@example.com");
  for (const char* bad : {"", "a", "no-at.example", "@x.io", "a@", "a@b", "a@.b", "a@b.",
                          "a b@c.de", "a@@b.de", "a@b..de"}) {
    EXPECT_FALSE(normalize_email(bad)) << bad;
  }
  EXPECT_FALSE(normalize_email(std::string(250, 'a') + "@b.de"));
}

TEST(Utf8, CountsCodePoints) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xc3\xa9t\xc3\xa9"), 3u);  // "été"
}

TEST(ReadJson, ChecksContentType) {
  Request r;
  r.body = "{}";
  r.headers["content-type"] = "text/plain";
  auto b = read_json(r, {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.problem().status, 415);
  r.headers["content-type"] = "application/json; charset=utf-8";
  EXPECT_TRUE(read_json(r, {}).ok());
  r.headers["content-type"] = "application/merge-patch+json";
  EXPECT_TRUE(read_json(r, {}).ok());
  r.body.clear();
  EXPECT_EQ(read_json(r, {}).problem().status, 400);
}

}  // namespace
}  // namespace cinema
