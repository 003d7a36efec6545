#include "cinema/metrics.h"

#include <gtest/gtest.h>

#include <map>

namespace cinema {
namespace {

TEST(RequestMetrics, CountsByStatusIntoBuckets) {
  RequestMetrics m;
  m.observe(200, 0.001);  // bucket 0 (<= 5 ms)
  m.observe(200, 0.02);   // bucket 2 (<= 25 ms)
  m.observe(503, 30.0);   // above every bound
  std::map<std::string, int64_t> inc;
  for (const auto& [k, v] : m.increments("hold")) inc[k] = v;
  EXPECT_EQ(inc["hold|200|count"], 2);
  EXPECT_EQ(inc["hold|200|sum_us"], 21000);
  EXPECT_EQ(inc["hold|200|b0"], 1);
  EXPECT_EQ(inc["hold|200|b2"], 1);
  EXPECT_EQ(inc.count("hold|200|b1"), 0u) << "empty buckets are not sent";
  EXPECT_EQ(inc["hold|503|count"], 1);
  EXPECT_EQ(inc["hold|503|b11"], 1);
}

TEST(RequestMetrics, RendersCumulativeHistogramsPerFunctionAndStatus) {
  // Two processes' flushes, summed in Redis, as the scrape reads them.
  std::map<std::string, int64_t> fields = {
      {"hold|201|count", 3},   {"hold|201|sum_us", 60000}, {"hold|201|b0", 1}, {"hold|201|b2", 2},
      {"health|200|count", 1}, {"health|200|b0", 1},       {"garbage", 7}};
  std::string text = render_request_metrics(fields);
  EXPECT_NE(text.find("cinema_http_requests_total{function=\"hold\",status=\"201\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cinema_http_request_duration_seconds_bucket{function=\"hold\",status="
                      "\"201\",le=\"0.01\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cinema_http_request_duration_seconds_bucket{function=\"hold\",status="
                      "\"201\",le=\"0.025\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cinema_http_request_duration_seconds_sum{function=\"hold\",status=\"201\"}"
                      " 0.060000\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("function=\"health\",status=\"200\"} 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("garbage"), std::string::npos);
}

}  // namespace
}  // namespace cinema
