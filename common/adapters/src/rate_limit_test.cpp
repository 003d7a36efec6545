#include "cinema/rate_limit.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

TEST(TokenBucket, BurstThenRefill) {
  BucketSpec spec{3, 1};  // 3 burst, 1 token per second
  BucketState st;
  EXPECT_TRUE(take_tokens(st, spec, 100.0).allowed);
  EXPECT_TRUE(take_tokens(st, spec, 100.0).allowed);
  auto third = take_tokens(st, spec, 100.0);
  EXPECT_TRUE(third.allowed);
  EXPECT_EQ(third.remaining, 0);
  auto denied = take_tokens(st, spec, 100.0);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after_ms, 1000);
  auto half = take_tokens(st, spec, 100.5);
  EXPECT_FALSE(half.allowed);
  EXPECT_EQ(half.retry_after_ms, 500);
  EXPECT_TRUE(take_tokens(st, spec, 101.0).allowed);
}

TEST(TokenBucket, NeverExceedsCapacity) {
  BucketSpec spec{2, 10};
  BucketState st;
  take_tokens(st, spec, 0);
  auto d = take_tokens(st, spec, 1000);  // a long idle time refills only to capacity
  EXPECT_EQ(d.remaining, 1);
}

TEST(TokenBucket, ClockGoingBackwardsDoesNotRefill) {
  BucketSpec spec{1, 1};
  BucketState st;
  EXPECT_TRUE(take_tokens(st, spec, 50).allowed);
  EXPECT_FALSE(take_tokens(st, spec, 10).allowed);
}

TEST(RateLimiter, FallsBackToLocalBucketWithoutRedis) {
  FakeClock clock(1'000'000);
  RedisSettings rs;
  rs.port = 1;  // nothing listens
  Redis redis(rs);
  RateLimiter limiter(&redis, clock);
  BucketSpec spec{2, 1};
  EXPECT_TRUE(limiter.consume("k", spec).allowed);
  EXPECT_TRUE(limiter.consume("k", spec).allowed);
  EXPECT_FALSE(limiter.consume("k", spec).allowed);
  EXPECT_TRUE(limiter.consume("other", spec).allowed);
  clock.advance_ms(1000);
  EXPECT_TRUE(limiter.consume("k", spec).allowed);
}

}  // namespace
}  // namespace cinema
