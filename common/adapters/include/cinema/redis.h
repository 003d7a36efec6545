// A hiredis connection per process with connect/command timeouts. After a
// failure the client stays "down" for a short back-off so a dead Redis costs
// one timeout per second, not one per request. Redis is never the truth: every
// caller has a path for nullopt.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cinema/config.h"

struct redisContext;
struct redisReply;

namespace cinema {

struct RedisValue {
  enum class Kind { kNil, kInteger, kString, kArray, kStatus } kind = Kind::kNil;
  int64_t integer = 0;
  std::string str;
  std::vector<RedisValue> elements;
};

// The master's address from a sentinel's answer to
// `SENTINEL get-master-addr-by-name` (["host", "port"]); nullopt otherwise.
std::optional<HostPort> parse_master_reply(const RedisValue& v);

class Redis {
 public:
  explicit Redis(RedisSettings settings);
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  // nullopt when Redis is unreachable or answered with an error.
  std::optional<RedisValue> command(const std::vector<std::string>& argv);
  // EVALSHA, loading the script on NOSCRIPT.
  std::optional<RedisValue> eval(const std::string& script, const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args);
  bool ping();

 private:
  bool ensure_connected();
  void disconnect();
  std::optional<HostPort> discover_master();
  RedisSettings settings_;
  HostPort master_;  // with sentinels: the master last connected to
  redisContext* ctx_ = nullptr;
  int64_t retry_after_ms_ = 0;
};

}  // namespace cinema
