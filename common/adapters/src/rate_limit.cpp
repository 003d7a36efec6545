#include "cinema/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace cinema {

// KEYS[1] bucket; ARGV capacity, refill per second, cost. Returns
// {allowed 0|1, remaining tokens (floor), retry-after ms}. Same maths as
// take_tokens(); Redis TIME is the clock so all processes agree.
const char* const kTokenBucketLua = R"lua(
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate)
end
local allowed = 0
local retry_ms = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry_ms = math.ceil((cost - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {allowed, math.floor(tokens), retry_ms}
)lua";

RateDecision take_tokens(BucketState& state, const BucketSpec& spec, double now_s, double cost) {
  if (state.tokens < 0) {
    state.tokens = spec.capacity;
    state.updated_s = now_s;
  }
  if (now_s > state.updated_s) {
    state.tokens =
        std::min(spec.capacity, state.tokens + (now_s - state.updated_s) * spec.refill_per_second);
    state.updated_s = now_s;
  }
  RateDecision d;
  if (state.tokens >= cost) {
    state.tokens -= cost;
    d.allowed = true;
  } else {
    d.allowed = false;
    d.retry_after_ms =
        static_cast<int64_t>(std::ceil((cost - state.tokens) / spec.refill_per_second * 1000));
  }
  d.remaining = static_cast<int64_t>(std::floor(state.tokens));
  return d;
}

RateDecision RateLimiter::consume(const std::string& key, const BucketSpec& spec) {
  if (redis_ != nullptr) {
    auto r =
        redis_->eval(kTokenBucketLua, {key},
                     {std::to_string(spec.capacity), std::to_string(spec.refill_per_second), "1"});
    if (r && r->kind == RedisValue::Kind::kArray && r->elements.size() == 3) {
      RateDecision d;
      d.allowed = r->elements[0].integer == 1;
      d.remaining = r->elements[1].integer;
      d.retry_after_ms = r->elements[2].integer;
      return d;
    }
  }
  return consume_local(key, spec);
}

RateDecision RateLimiter::consume_local(const std::string& key, const BucketSpec& spec) {
  // Bound memory: a flood of distinct keys resets the table rather than growing it.
  constexpr size_t kMaxKeys = 100000;
  if (local_.size() >= kMaxKeys && local_.find(key) == local_.end()) local_.clear();
  return take_tokens(local_[key], spec, static_cast<double>(clock_.now_ms()) / 1000.0);
}

}  // namespace cinema
