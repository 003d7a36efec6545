#include "metrics.h"

#include <gtest/gtest.h>

#include "cinema/testing.h"

namespace cinema::metrics {
namespace {

TEST(Metrics, OnlyLoopbackAndConfiguredScrapers) {
  EXPECT_TRUE(scraper_allowed("127.0.0.1", ""));
  EXPECT_TRUE(scraper_allowed("::1", ""));
  EXPECT_FALSE(scraper_allowed("127.0.0.23", ""));
  EXPECT_FALSE(scraper_allowed("10.0.0.5", ""));
  EXPECT_TRUE(scraper_allowed("10.0.0.5", "10.0.0.4, 10.0.0.5"));
  EXPECT_TRUE(scraper_allowed("10.0.0.5", "10.0.0.5"));
  EXPECT_FALSE(scraper_allowed("10.0.0.50", "10.0.0.5,10.0.0.6"));
  EXPECT_FALSE(scraper_allowed("", "10.0.0.5"));
}

TEST(Metrics, AStrangerGetsA403BeforeAnyDependency) {
  Context ctx(Config::for_tests());
  Request r = testing::json_request("GET", "/metrics", "", "", ctx);
  r.remote_addr = "203.0.113.9";
  Response resp = router().dispatch(r, ctx);
  EXPECT_EQ(resp.status, 403);
  EXPECT_EQ(resp.content_type, "application/problem+json");
}

}  // namespace
}  // namespace cinema::metrics
