#include "cinema/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace cinema {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (std::string s : {"", "plain ascii", "caf\xc3\xa9", "\xe2\x82\xac 14.00", "\xf0\x9f\x8e\xac",
                        "\xef\xbd\x93", "\xed\x9f\xbf", "\xee\x80\x80", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(is_valid_utf8(s)) << s;
  }
}

TEST(Utf8, RefusesMalformedText) {
  for (std::string s :
       {"\xff", "\xfe", "a\x80", "\xc0\xaf", "\xc1\xbf", "\xc3\x28", "\xc3", "\xe0\x80\xaf",
        "\xed\xa0\x80", "\xed\xbf\xbf", "\xe2\x82", "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "ok\xe2\x28\xa1"}) {
    EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(s);
  }
}

}  // namespace
}  // namespace cinema
