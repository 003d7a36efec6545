#include "cinema/gzip.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

TEST(Gzip, RoundTripsAndShrinksSeatMaps) {
  std::string map;
  for (int i = 0; i < 1200; ++i) {
    map +=
        R"({"seat_id":)" + std::to_string(i) + R"(,"row":"A","type":"STANDARD","status":"FREE"},)";
  }
  std::string gz = gzip_compress(map);
  EXPECT_LT(gz.size() * 5, map.size());
  EXPECT_EQ(gzip_decompress(gz), map);
  EXPECT_FALSE(gzip_decompress("not gzip"));
}

TEST(Gzip, AcceptEncoding) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, gzip;q=0.8"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("br"));
  EXPECT_FALSE(accepts_gzip(""));
}

}  // namespace
}  // namespace cinema
