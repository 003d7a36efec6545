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

TEST(Email, OneCanonicalFormPerAddress) {
  const std::string e_acute = "\xc3\xa9";          // é, precomposed
  const std::string e_combining = "e\xcc\x81";     // e + combining acute
  const std::string fullwidth_s = "\xef\xbd\x93";  // ｓ
  // Full-width letters and capitals of any script fold onto the plain form.
  EXPECT_EQ(normalize_email(fullwidth_s + "ec@example.com"), "sec@example.com");
  EXPECT_EQ(normalize_email("S\xc3\x89"
                            "C@Example.com"),
            "s" + e_acute + "c@example.com");
  // Precomposed and combining accents are one address.
  EXPECT_EQ(normalize_email("s" + e_combining + "c@example.com"),
            normalize_email("s" + e_acute + "c@example.com"));
  // An accent is not dropped: séc and sec stay two addresses.
  EXPECT_NE(normalize_email("s" + e_acute + "c@example.com"), normalize_email("sec@example.com"));
  // Ignorable code points vanish (soft hyphen).
  EXPECT_EQ(normalize_email("s\xc2\xad"
                            "ec@example.com"),
            "sec@example.com");
  for (std::string bad : {"\xff@example.com", "a\xc0\xaf@example.com", "\xed\xa0\x80@example.com",
                          "a\xc2\x85"
                          "b@example.com",
                          "a\xc2\xa0"
                          "b@example.com"}) {
    EXPECT_FALSE(normalize_email(bad)) << bad;
  }
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

TEST(ReadJsonOrEmpty, AnEmptyBodyIsAnEmptyObjectWhateverItsType) {
  Request r;
  for (const char* empty : {"", " \r\n"}) {
    r.body = empty;
    auto b = read_json_or_empty(r, {"hold_id"});
    ASSERT_TRUE(b.ok()) << '"' << empty << '"';
    EXPECT_FALSE(b->integer("hold_id", false, 1, 10).has_value());
    EXPECT_TRUE(b->finish().ok());
  }
  r.body = R"({"hold_id":3})";
  EXPECT_EQ(read_json_or_empty(r, {"hold_id"}).problem().status, 415);  // a body still needs JSON
  r.headers["content-type"] = "application/json";
  EXPECT_EQ(*read_json_or_empty(r, {"hold_id"})->integer("hold_id", true, 1, 10), 3);
  r.body = R"({"seat":3})";
  EXPECT_EQ(read_json_or_empty(r, {"hold_id"}).problem().status, 400);
}

}  // namespace
}  // namespace cinema
