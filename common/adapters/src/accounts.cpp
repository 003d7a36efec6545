#include "cinema/accounts.h"

#include "cinema/log.h"

namespace cinema {
namespace {

std::string cache_key(int64_t user_id) {
  return "acct:" + std::to_string(user_id);
}

bool is_role(const std::string& r) {
  return r == "CUSTOMER" || r == "OWNER" || r == "ADMIN";
}

}  // namespace

std::string encode_account_state(const AccountState& s) {
  return s.disabled ? s.role + ":disabled" : s.role;
}

std::optional<AccountState> decode_account_state(const std::string& v) {
  AccountState s;
  constexpr std::string_view kDisabled = ":disabled";
  if (v.size() > kDisabled.size() &&
      v.compare(v.size() - kDisabled.size(), kDisabled.size(), kDisabled) == 0) {
    s.role = v.substr(0, v.size() - kDisabled.size());
    s.disabled = true;
  } else {
    s.role = v;
  }
  if (!is_role(s.role)) return std::nullopt;
  return s;
}

std::optional<AccountState> CachedAccounts::current(int64_t user_id) {
  const std::string key = cache_key(user_id);
  if (ttl_s_ > 0) {
    if (auto v = redis_.command({"GET", key}); v && v->kind == RedisValue::Kind::kString) {
      if (auto s = decode_account_state(v->str)) return s;
    }
  }
  auto state = db_.autocommit([&](Session& s) -> std::optional<AccountState> {
    Rows rs = s.query("SELECT role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = ?",
                      user_id);
    if (!rs->next()) return std::nullopt;
    return AccountState{get_string(*rs, "role"), rs->getInt("disabled") == 1};
  });
  if (state && ttl_s_ > 0) {
    redis_.command({"SET", key, encode_account_state(*state), "EX", std::to_string(ttl_s_)});
  }
  return state;
}

void CachedAccounts::forget(int64_t user_id) {
  if (ttl_s_ > 0 && !redis_.command({"DEL", cache_key(user_id)})) {
    log(LogLevel::kError,
        "could not drop a cached account state; it may be served until it expires",
        {{"user_id", user_id}, {"ttl_s", ttl_s_}});
  }
}

}  // namespace cinema
