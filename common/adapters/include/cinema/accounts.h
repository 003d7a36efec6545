// The current state of an account (role, disabled), which every authenticated
// request checks: a token's role claim is only what the role was when it was
// signed, and a role change or a disabled account must take effect at once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "cinema/config.h"
#include "cinema/db.h"
#include "cinema/redis.h"

namespace cinema {

struct AccountState {
  std::string role;  // CUSTOMER | OWNER | ADMIN
  bool disabled = false;
};

class AccountDirectory {
 public:
  virtual ~AccountDirectory() = default;
  // The account's current state; nullopt when the account no longer exists.
  virtual std::optional<AccountState> current(int64_t user_id) = 0;
  // Drops any cached state of the account. Call after committing a change.
  virtual void forget(int64_t user_id) = 0;
};

// MariaDB is the truth; Redis keeps each state for `ttl_s` seconds (0: no
// cache). A writer calls forget() after commit, so a change is seen at once;
// if Redis cannot be reached then, a stale entry lives at most ttl_s.
class CachedAccounts : public AccountDirectory {
 public:
  CachedAccounts(Database& db, Redis& redis, int64_t ttl_s)
      : db_(db), redis_(redis), ttl_s_(ttl_s) {}
  std::optional<AccountState> current(int64_t user_id) override;
  void forget(int64_t user_id) override;

 private:
  Database& db_;
  Redis& redis_;
  int64_t ttl_s_;
};

// For unit tests: the accounts it is told about, nothing else.
class FixedAccounts : public AccountDirectory {
 public:
  std::map<int64_t, AccountState> accounts;
  std::optional<AccountState> current(int64_t user_id) override {
    auto it = accounts.find(user_id);
    if (it == accounts.end()) return std::nullopt;
    return it->second;
  }
  void forget(int64_t) override {}
};

// Cache encoding, exposed for tests: "<ROLE>" or "<ROLE>:disabled".
std::string encode_account_state(const AccountState& s);
std::optional<AccountState> decode_account_state(const std::string& v);

}  // namespace cinema
