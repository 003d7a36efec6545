// Token buckets. The shared bucket lives in Redis and is updated by one Lua
// script using Redis TIME as the clock; when Redis is unavailable each process
// falls back to its own in-memory bucket, so requests keep working.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "cinema/clock.h"
#include "cinema/redis.h"

namespace cinema {

struct BucketSpec {
  double capacity = 10;          // burst
  double refill_per_second = 1;  // sustained rate
};

struct BucketState {
  double tokens = -1;  // < 0: a new bucket (full)
  double updated_s = 0;
};

struct RateDecision {
  bool allowed = true;
  int64_t remaining = 0;
  int64_t retry_after_ms = 0;  // when not allowed: until one token is back
};

// The bucket maths, shared by the in-process fallback and mirrored by the Lua
// script: refill by elapsed time, cap at capacity, take `cost` if available.
RateDecision take_tokens(BucketState& state, const BucketSpec& spec, double now_s, double cost = 1);

class RateLimiter {
 public:
  RateLimiter(Redis* redis, const Clock& clock) : redis_(redis), clock_(clock) {}
  RateDecision consume(const std::string& key, const BucketSpec& spec);

 private:
  RateDecision consume_local(const std::string& key, const BucketSpec& spec);
  Redis* redis_;
  const Clock& clock_;
  std::unordered_map<std::string, BucketState> local_;
};

// The Lua source, exposed for tests.
extern const char* const kTokenBucketLua;

}  // namespace cinema
