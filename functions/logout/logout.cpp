#include "logout.h"

#include "cinema/crypto.h"
#include "cinema/validate.h"

namespace cinema::logout {

Response handle(const Request& req, Context& ctx) {
  if (req.method != "POST") return Response::problem(method_not_allowed("POST"));
  auto body = read_json(req, {"refresh_token"});
  CINEMA_RETURN_IF_ERROR(body);
  auto token = body->string("refresh_token", true, 1, 512);
  CINEMA_RETURN_IF_ERROR(body->finish());
  std::string hash = sha256_hex(*token);
  ctx.db().transaction([&](Session& s) {
    Rows rs = s.query("SELECT family_id FROM refresh_tokens WHERE token_hash = ?", hash);
    if (!rs->next()) return;
    s.exec(
        "UPDATE refresh_tokens SET revoked_at = NOW(3) WHERE family_id = ? AND revoked_at IS NULL",
        get_string(*rs, "family_id"));
  });
  // Unknown and already-revoked tokens get the same answer: logging out twice is fine.
  return Response::no_content();
}

const Router& router() {
  static const Router r{
      {"POST", "/v1/auth/logout", handle},
  };
  return r;
}

}  // namespace cinema::logout
