// Who is calling: the bearer access token, verified, and the account's
// current role (never only the token's claim: see accounts.h).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "cinema/context.h"
#include "cinema/http.h"
#include "cinema/status.h"

namespace cinema {

struct AuthUser {
  int64_t id = 0;
  std::string role;  // the current role: CUSTOMER | OWNER | ADMIN
};

// 401 problem (with WWW-Authenticate) when the Authorization header is missing,
// its bearer token is not a valid access token, or the account is gone or
// disabled. The role is the account's current one, whatever the token says.
StatusOr<AuthUser> authenticate(const Request& req, Context& ctx);
// 403 problem unless the user's role is one of `roles`.
Status require_role(const AuthUser& user, std::initializer_list<std::string_view> roles);

}  // namespace cinema
