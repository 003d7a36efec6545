#include "cinema/sessions.h"

#include "cinema/clock.h"
#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/jwt.h"

namespace cinema {

TokenPair issue_tokens(Session& s, const Context& ctx, int64_t user_id, const std::string& role,
                       std::string family_id) {
  const auto& jwt = ctx.config().jwt;
  int64_t now = ctx.clock().now_s();
  if (family_id.empty()) family_id = random_hex(16);
  TokenPair pair;
  pair.refresh_token = random_token(32);  // 256 bits
  s.exec(
      "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) "
      "VALUES (?, ?, ?, ?)",
      user_id, family_id, sha256_hex(pair.refresh_token), sql_datetime(now + jwt.refresh_ttl_s));
  pair.access_token = sign_access_token(jwt, user_id, role, now);
  pair.expires_in = jwt.access_ttl_s;
  return pair;
}

std::string token_pair_json(const TokenPair& pair) {
  JsonWriter w;
  w.begin_object()
      .field("access_token", pair.access_token)
      .field("refresh_token", pair.refresh_token)
      .field("token_type", "Bearer")
      .field("expires_in", pair.expires_in)
      .end_object();
  return w.str();
}

}  // namespace cinema
