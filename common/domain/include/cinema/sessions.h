// Login sessions: an access token plus a rotating refresh token whose SHA-256
// is stored in refresh_tokens, grouped in families for reuse detection.
#pragma once

#include <cstdint>
#include <string>

#include "cinema/context.h"
#include "cinema/db.h"

namespace cinema {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in = 0;
};

// Issues a pair for the user; the refresh token joins `family_id` (a new family
// when empty). Runs inside the caller's transaction.
TokenPair issue_tokens(Session& s, const Context& ctx, int64_t user_id, const std::string& role,
                       std::string family_id);
// {"access_token","refresh_token","token_type","expires_in"}
std::string token_pair_json(const TokenPair& pair);

}  // namespace cinema
