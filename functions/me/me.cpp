#include "me.h"

#include "cinema/auth.h"
#include "cinema/json.h"

namespace cinema::me {

Response handle(const Request& req, Context& ctx) {
  if (req.method != "GET") return Response::problem(method_not_allowed("GET"));
  auto user = authenticate(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  auto body = ctx.db().autocommit([&](Session& s) -> std::optional<std::string> {
    Rows rs = s.query("SELECT id, email, role, display_name FROM users WHERE id = ?", user->id);
    if (!rs->next()) return std::nullopt;
    JsonWriter w;
    w.begin_object()
        .field("id", rs->getInt64("id"))
        .field("email", get_string(*rs, "email"))
        .field("role", get_string(*rs, "role"))
        .field("display_name", opt_string(*rs, "display_name"))
        .end_object();
    return w.str();
  });
  if (!body) return Response::problem(unauthorized("The account no longer exists"));
  return Response::json(200, *body).with_header("Cache-Control", "no-store");
}

const Router& router() {
  static const Router r{
      {"GET", "/v1/me", handle},
  };
  return r;
}

}  // namespace cinema::me
