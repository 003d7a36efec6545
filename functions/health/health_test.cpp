#include "health.h"

#include <gtest/gtest.h>

namespace cinema::health {
namespace {

TEST(Health, ReportsEachDependencyAnd503WithoutDatabase) {
  Context ctx(Config::for_tests());  // nothing listens on the configured ports
  Request r;
  r.method = "GET";
  Response resp = handle(r, ctx);
  EXPECT_EQ(resp.status, 503);
  EXPECT_EQ(resp.content_type, "application/problem+json");
  EXPECT_NE(resp.body.find(R"("mariadb":"down")"), std::string::npos) << resp.body;
  EXPECT_NE(resp.body.find(R"("redis":"down")"), std::string::npos);
  EXPECT_NE(resp.body.find(R"("rabbitmq":"down")"), std::string::npos);
}

}  // namespace
}  // namespace cinema::health
