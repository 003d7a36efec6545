// HS256 access tokens. Verification pins the algorithm: anything but a valid
// HS256 signature with our secret, issuer, audience and typ, unexpired, is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cinema/config.h"
#include "cinema/status.h"

namespace cinema {

struct AccessClaims {
  int64_t user_id = 0;
  std::string role;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
};

std::string sign_access_token(const JwtSettings& s, int64_t user_id, std::string_view role,
                              int64_t now);
// 401 problem with the reason when the token is not acceptable at `now`.
StatusOr<AccessClaims> verify_access_token(const JwtSettings& s, std::string_view token,
                                           int64_t now);

}  // namespace cinema
