// The user list's query string, decidable without the database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cinema/http.h"
#include "cinema/status.h"

namespace cinema::admin_users {

constexpr int64_t kDefaultLimit = 20;
constexpr int64_t kMaxLimit = 100;

struct UserQuery {
  std::optional<std::string> like;  // LIKE pattern for email/display_name (escape '!')
  std::optional<std::string> role;
  int64_t limit = kDefaultLimit;
  int64_t after_id = 0;
};

bool is_role(std::string_view role);

// "%<q>%" with LIKE's wildcards made literal; '!' is the escape character.
std::string contains_pattern(std::string_view q);

// q (substring), role, limit (default 20, capped at 100), cursor; 400 naming
// the parameter when one is invalid. Empty parameters count as absent.
StatusOr<UserQuery> parse_user_query(const Request& req);

// The opaque cursor that continues after `last_id`.
std::string cursor_after(int64_t last_id);

}  // namespace cinema::admin_users
