#include "cinema/auth.h"

#include <algorithm>

#include "cinema/jwt.h"

namespace cinema {

StatusOr<AuthUser> authenticate(const Request& req, Context& ctx) {
  std::string header = req.header("authorization");
  if (header.empty()) return unauthorized("An Authorization: Bearer token is required");
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), header.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return unauthorized("The Authorization header must use the Bearer scheme");
  }
  auto claims = verify_access_token(
      ctx.config().jwt, std::string_view(header).substr(kScheme.size()), ctx.clock().now_s());
  CINEMA_RETURN_IF_ERROR(claims);
  auto account = ctx.accounts().current(claims->user_id);
  if (!account) return unauthorized("The account of this token no longer exists");
  if (account->disabled) return unauthorized("This account is disabled");
  ctx.actor_id = claims->user_id;
  ctx.actor_role = account->role;
  return AuthUser{claims->user_id, account->role};
}

Status require_role(const AuthUser& user, std::initializer_list<std::string_view> roles) {
  for (auto r : roles) {
    if (user.role == r) return Status();
  }
  return forbidden("This action needs one of the roles allowed for it");
}

}  // namespace cinema
