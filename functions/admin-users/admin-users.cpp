#include "admin-users.h"

#include <optional>
#include <string>

#include "cinema/audit.h"
#include "cinema/auth.h"
#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/validate.h"
#include "user_query.h"

namespace cinema::admin_users {
namespace {

StatusOr<AuthUser> require_admin(const Request& req, const Context& ctx) {
  auto user = authenticate(req, ctx);
  if (!user.ok()) return user.problem();
  if (auto st = require_role(*user, {"ADMIN"}); !st.ok()) return st.problem();
  return user;
}

void write_user(JsonWriter& w, sql::ResultSet& rs) {
  w.begin_object()
      .field("id", rs.getInt64("id"))
      .field("email", get_string(rs, "email"))
      .field("role", get_string(rs, "role"))
      .field("display_name", opt_string(rs, "display_name"))
      .field("created_at", sql_time_to_rfc3339(get_string(rs, "created_at")))
      .end_object();
}

Response list(const Request& req, Context& ctx) {
  auto admin = require_admin(req, ctx);
  if (!admin.ok()) return Response::problem(admin.problem());
  auto q = parse_user_query(req);
  if (!q.ok()) return Response::problem(q.problem());
  std::string body = ctx.db().autocommit([&](Session& s) {
    // One row more than asked tells whether there is a next page.
    Rows rs = s.query(
        "SELECT id, email, role, display_name, created_at FROM users WHERE id > ? "
        "AND (? IS NULL OR role = ?) "
        "AND (? IS NULL OR email LIKE ? ESCAPE '!' OR display_name LIKE ? ESCAPE '!') "
        "ORDER BY id LIMIT ?",
        q->after_id, q->role, q->role, q->like, q->like, q->like, q->limit + 1);
    JsonWriter w;
    w.begin_object().key("items").begin_array();
    int64_t count = 0;
    int64_t last_id = 0;
    bool more = false;
    while (rs->next()) {
      if (count == q->limit) {
        more = true;
        break;
      }
      write_user(w, *rs);
      last_id = rs->getInt64("id");
      ++count;
    }
    w.end_array();
    if (more) {
      w.field("next_cursor", cursor_after(last_id));
    } else {
      w.null_field("next_cursor");
    }
    w.end_object();
    return w.str();
  });
  return Response::json(200, body).with_header("Cache-Control", "no-store");
}

std::optional<std::string> user_json(Session& s, int64_t id, std::string* role) {
  Rows rs = s.query(
      "SELECT id, email, role, display_name, created_at FROM users WHERE id = ? FOR UPDATE", id);
  if (!rs->next()) return std::nullopt;
  if (role != nullptr) *role = get_string(*rs, "role");
  JsonWriter w;
  write_user(w, *rs);
  return w.str();
}

// The new role reaches the user's access tokens at the next login or refresh
// (refresh re-reads the role); tokens already issued keep theirs until they expire.
Response change_role(const Request& req, Context& ctx) {
  auto admin = require_admin(req, ctx);
  if (!admin.ok()) return Response::problem(admin.problem());
  auto id = path_id(req, "user");
  if (!id.ok()) return Response::problem(id.problem());
  auto body = read_json(req, {"role"});
  if (!body.ok()) return Response::problem(body.problem());
  auto role = body->string("role", true, 1, 16);
  if (role && !is_role(*role)) body->add_error("role", "must be CUSTOMER, OWNER or ADMIN");
  if (auto st = body->finish(); !st.ok()) return Response::problem(st.problem());

  auto out = ctx.db().transaction([&](Session& s) -> StatusOr<std::string> {
    // Every ADMIN row (and the index range) is locked first, always in this
    // order, so two concurrent demotions cannot both see another admin left.
    Rows admins = s.query("SELECT id FROM users WHERE role = 'ADMIN' FOR UPDATE");
    int64_t admin_count = 0;
    while (admins->next()) ++admin_count;
    std::string current;
    auto before = user_json(s, *id, &current);
    if (!before) return not_found("No such user");
    if (current == *role) return *before;
    if (current == "ADMIN" && admin_count <= 1) {
      return conflict("This is the last ADMIN; grant ADMIN to someone else before demoting them");
    }
    s.exec("UPDATE users SET role = ? WHERE id = ?", *role, *id);
    std::string after = *user_json(s, *id, nullptr);
    write_audit(s, ctx, {admin->id, admin->role, "user.role_change", "user", *id, *before, after});
    return after;
  });
  if (!out.ok()) return Response::problem(out.problem());
  return Response::json(200, *out).with_header("Cache-Control", "no-store");
}

const Router& router() {
  static const Router r = [] {
    Router r;
    r.on("GET", "/v1/admin/users", list).on("PATCH", "/v1/admin/users/{user}", change_role);
    return r;
  }();
  return r;
}

}  // namespace

Response handle(const Request& req, Context& ctx) {
  return router().dispatch(req, ctx);
}

}  // namespace cinema::admin_users
