// Login sessions: an access token plus a rotating refresh token whose SHA-256
// is stored in refresh_tokens, grouped in families for reuse detection.
#pragma once

#include <cstdint>
#include <string>

#include "cinema/context.h"
#include "cinema/db.h"
#include "cinema/http.h"
#include "cinema/status.h"

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

// The body {"refresh_token": "..."} of refresh and logout: the token's hash,
// as refresh_tokens stores it (400 when the body is not that).
StatusOr<std::string> read_refresh_token_hash(const Request& req);

}  // namespace cinema
