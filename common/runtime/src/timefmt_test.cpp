#include "cinema/timefmt.h"

#include <gtest/gtest.h>

#include "cinema/cache.h"
#include "cinema/clock.h"

namespace cinema {
namespace {

TEST(Rfc3339, ParsesUtcOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-11-22T18:30:00Z"), 1795372200);
  EXPECT_EQ(parse_rfc3339("2026-11-22T20:30:00+02:00"), 1795372200);
  EXPECT_EQ(parse_rfc3339("2026-11-22T18:30:00.123Z"), 1795372200);
  EXPECT_EQ(format_rfc3339(1795372200), "2026-11-22T18:30:00Z");
}

TEST(Rfc3339, RejectsInvalid) {
  for (const char* bad : {"", "2026-11-22", "2026-11-22 18:30:00Z", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T18:30:00",
                          "2026-11-22T18:30:00+0200", "2026-11-22T18:30:00Zjunk"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
  EXPECT_TRUE(parse_rfc3339("2028-02-29T00:00:00Z"));
}

TEST(Cursor, RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(decode_cursor(encode_cursor(R"({"id":5})")), R"({"id":5})");
  EXPECT_FALSE(decode_cursor("!!!"));
  EXPECT_FALSE(decode_cursor(""));
}

TEST(Conditional, AnswersNotModifiedForMatchingTag) {
  Request req;
  Response fresh = conditional(req, Response::json(200, R"({"a":1})"));
  ASSERT_EQ(fresh.headers.size(), 1u);
  std::string tag = fresh.headers[0].second;
  req.headers["if-none-match"] = tag;
  Response again = conditional(req, Response::json(200, R"({"a":1})"));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  Response changed = conditional(req, Response::json(200, R"({"a":2})"));
  EXPECT_EQ(changed.status, 200);
}

}  // namespace
}  // namespace cinema
