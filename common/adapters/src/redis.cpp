#include "cinema/redis.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "cinema/crypto.h"
#include "cinema/log.h"

namespace cinema {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

constexpr int64_t kBackoffMs = 1000;

// The server closed the connection (restart, idle timeout) rather than the
// command timing out.
bool connection_went_away(const redisContext* c) {
  if (c->err == REDIS_ERR_EOF) return true;
  return c->err == REDIS_ERR_IO && (std::strstr(c->errstr, "Broken pipe") != nullptr ||
                                    std::strstr(c->errstr, "Connection reset") != nullptr);
}

RedisValue convert(const redisReply* r) {
  RedisValue v;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      v.kind = RedisValue::Kind::kInteger;
      v.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      v.kind = RedisValue::Kind::kString;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      v.kind = RedisValue::Kind::kStatus;
      v.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      v.kind = RedisValue::Kind::kArray;
      for (size_t i = 0; i < r->elements; ++i) v.elements.push_back(convert(r->element[i]));
      break;
    default:
      v.kind = RedisValue::Kind::kNil;
  }
  return v;
}

}  // namespace

Redis::Redis(RedisSettings settings) : settings_(std::move(settings)) {}

Redis::~Redis() {
  disconnect();
}

void Redis::disconnect() {
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
}

std::optional<HostPort> parse_master_reply(const RedisValue& v) {
  if (v.kind != RedisValue::Kind::kArray || v.elements.size() != 2) return std::nullopt;
  const auto& host = v.elements[0];
  const auto& port = v.elements[1];
  if (host.kind != RedisValue::Kind::kString || host.str.empty()) return std::nullopt;
  if (port.kind != RedisValue::Kind::kString || port.str.empty() ||
      port.str.find_first_not_of("0123456789") != std::string::npos || port.str.size() > 5) {
    return std::nullopt;
  }
  int p = std::stoi(port.str);
  if (p < 1 || p > 65535) return std::nullopt;
  return HostPort{host.str, p};
}

std::optional<HostPort> Redis::discover_master() {
  timeval tv{settings_.timeout_ms / 1000, (settings_.timeout_ms % 1000) * 1000};
  for (const auto& s : settings_.sentinels) {
    redisContext* c = redisConnectWithTimeout(s.host.c_str(), s.port, tv);
    if (c == nullptr || c->err != 0) {
      if (c != nullptr) redisFree(c);
      continue;
    }
    redisSetTimeout(c, tv);
    auto* r = static_cast<redisReply*>(
        redisCommand(c, "SENTINEL get-master-addr-by-name %s", settings_.master_name.c_str()));
    std::optional<HostPort> master;
    if (r != nullptr) {
      if (r->type != REDIS_REPLY_ERROR) master = parse_master_reply(convert(r));
      freeReplyObject(r);
    }
    redisFree(c);
    if (master) return master;
  }
  log(LogLevel::kWarn, "redis: no sentinel named the master",
      {{"master_name", settings_.master_name}});
  return std::nullopt;
}

bool Redis::ensure_connected() {
  if (ctx_ != nullptr) return true;
  if (now_ms() < retry_after_ms_) return false;
  timeval tv{settings_.timeout_ms / 1000, (settings_.timeout_ms % 1000) * 1000};
  if (!settings_.sentinels.empty()) {
    auto master = discover_master();
    if (!master) {
      retry_after_ms_ = now_ms() + kBackoffMs;
      return false;
    }
    if (!(*master == master_)) {
      log(LogLevel::kInfo, "redis master", {{"host", master->host}, {"port", master->port}});
    }
    master_ = *master;
    ctx_ = redisConnectWithTimeout(master_.host.c_str(), master_.port, tv);
  } else {
    ctx_ = settings_.socket.empty()
               ? redisConnectWithTimeout(settings_.host.c_str(), settings_.port, tv)
               : redisConnectUnixWithTimeout(settings_.socket.c_str(), tv);
  }
  if (ctx_ == nullptr || ctx_->err != 0) {
    log(LogLevel::kWarn, "redis connect failed",
        {{"error", ctx_ != nullptr ? ctx_->errstr : "allocation failed"}});
    disconnect();
    retry_after_ms_ = now_ms() + kBackoffMs;
    return false;
  }
  redisSetTimeout(ctx_, tv);
  if (!settings_.password.empty()) {
    auto* r = static_cast<redisReply*>(redisCommand(ctx_, "AUTH %s", settings_.password.c_str()));
    bool ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    if (r != nullptr) freeReplyObject(r);
    if (!ok) {
      log(LogLevel::kWarn, "redis auth failed");
      disconnect();
      retry_after_ms_ = now_ms() + kBackoffMs;
      return false;
    }
  }
  return true;
}

std::optional<RedisValue> Redis::command(const std::vector<std::string>& argv) {
  if (!ensure_connected()) return std::nullopt;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data()));
  if (r == nullptr && connection_went_away(ctx_)) {
    // A connection left over from before a Redis restart: the command never
    // reached the server, so one fresh connection may run it. (A timeout is
    // not retried: the command may have run.)
    disconnect();
    if (!ensure_connected()) return std::nullopt;
    r = static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data()));
  }
  // I/O error or timeout: the connection is unusable.
  auto failed = [&] {
    log(LogLevel::kWarn, "redis command failed", {{"error", ctx_->errstr}});
    disconnect();
    retry_after_ms_ = now_ms() + kBackoffMs;
    return std::nullopt;
  };
  if (r == nullptr) return failed();
  if (r->type == REDIS_REPLY_ERROR && std::strncmp(r->str, "READONLY", 8) == 0) {
    // A replica now: the master failed over (or was demoted). The command did
    // not run; ask the sentinels again and run it once on the new master.
    freeReplyObject(r);
    log(LogLevel::kWarn, "redis: connected to a replica; rediscovering the master");
    disconnect();
    if (settings_.sentinels.empty() || !ensure_connected()) {
      retry_after_ms_ = std::max(retry_after_ms_, now_ms() + kBackoffMs);
      return std::nullopt;
    }
    r = static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data()));
    if (r == nullptr) return failed();
  }
  std::optional<RedisValue> out;
  if (r->type == REDIS_REPLY_ERROR) {
    RedisValue err;
    err.kind = RedisValue::Kind::kStatus;
    err.str = std::string("ERR:") + std::string(r->str, r->len);
    out = std::move(err);
  } else {
    out = convert(r);
  }
  freeReplyObject(r);
  if (out->kind == RedisValue::Kind::kStatus && out->str.rfind("ERR:", 0) == 0) {
    // Keep the error text for eval()'s NOSCRIPT handling; other callers see nullopt.
    if (out->str.find("NOSCRIPT") != std::string::npos) return out;
    log(LogLevel::kWarn, "redis error reply", {{"error", out->str}});
    return std::nullopt;
  }
  return out;
}

std::optional<RedisValue> Redis::eval(const std::string& script,
                                      const std::vector<std::string>& keys,
                                      const std::vector<std::string>& args) {
  std::vector<std::string> argv{"EVALSHA", sha1_hex(script), std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = command(argv);
  if (r && r->kind == RedisValue::Kind::kStatus && r->str.find("NOSCRIPT") != std::string::npos) {
    argv[0] = "EVAL";
    argv[1] = script;
    r = command(argv);
    if (r && r->kind == RedisValue::Kind::kStatus && r->str.rfind("ERR:", 0) == 0) {
      return std::nullopt;
    }
  }
  return r;
}

bool Redis::ping() {
  auto r = command({"PING"});
  return r && r->str == "PONG";
}

}  // namespace cinema
