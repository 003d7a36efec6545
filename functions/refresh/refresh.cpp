#include "refresh.h"

#include "cinema/audit.h"
#include "cinema/crypto.h"
#include "cinema/sessions.h"
#include "cinema/validate.h"

namespace cinema::refresh {

Response handle(const Request& req, Context& ctx) {
  if (req.method != "POST") return Response::problem(method_not_allowed("POST"));
  auto body = read_json(req, {"refresh_token"});
  CINEMA_RETURN_IF_ERROR(body);
  auto token = body->string("refresh_token", true, 1, 512);
  CINEMA_RETURN_IF_ERROR(body->finish());
  std::string hash = sha256_hex(*token);

  // The row lock serialises concurrent refreshes of one token: exactly one
  // rotates it, any other is a reuse.
  StatusOr<TokenPair> result = ctx.db().transaction([&](Session& s) -> StatusOr<TokenPair> {
    Rows rs = s.query(
        "SELECT rt.id, rt.user_id, rt.family_id, rt.expires_at <= NOW(3) AS expired, "
        "rt.rotated_at IS NOT NULL AS rotated, rt.revoked_at IS NOT NULL AS revoked, u.role, "
        "u.disabled_at IS NOT NULL AS disabled "
        "FROM refresh_tokens rt JOIN users u ON u.id = rt.user_id "
        "WHERE rt.token_hash = ? FOR UPDATE",
        hash);
    if (!rs->next()) return unauthorized("The refresh token is not valid");
    int64_t id = rs->getInt64("id");
    int64_t user_id = rs->getInt64("user_id");
    std::string family = get_string(*rs, "family_id");
    std::string role = get_string(*rs, "role");
    if (rs->getInt("rotated") == 1) {
      s.exec(
          "UPDATE refresh_tokens SET revoked_at = NOW(3) WHERE family_id = ? AND revoked_at IS "
          "NULL",
          family);
      write_audit(
          s, ctx,
          {user_id, role, "session.reuse_revoked", "user", user_id, std::nullopt, std::nullopt});
      return unauthorized("The refresh token was already used; the session has been revoked");
    }
    if (rs->getInt("revoked") == 1) return unauthorized("The session has been revoked");
    if (rs->getInt("expired") == 1) return unauthorized("The refresh token has expired");
    if (rs->getInt("disabled") == 1) return unauthorized("This account is disabled");
    s.exec("UPDATE refresh_tokens SET rotated_at = NOW(3) WHERE id = ?", id);
    // The role is read now, so a role change takes effect at the next refresh.
    return issue_tokens(s, ctx, user_id, role, family);
  });
  CINEMA_RETURN_IF_ERROR(result);
  return Response::json(200, token_pair_json(*result)).with_header("Cache-Control", "no-store");
}

const Router& router() {
  static const Router r{
      {"POST", "/v1/auth/refresh", handle},
  };
  return r;
}

}  // namespace cinema::refresh
