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

StatusOr<AuthUser> require_admin(const Request& req, Context& ctx) {
  auto user = authenticate(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  CINEMA_RETURN_IF_ERROR(require_role(*user, {"ADMIN"}));
  return user;
}

void write_user(JsonWriter& w, sql::ResultSet& rs) {
  w.begin_object()
      .field("id", rs.getInt64("id"))
      .field("email", get_string(rs, "email"))
      .field("role", get_string(rs, "role"))
      .field("display_name", opt_string(rs, "display_name"))
      .field("disabled", rs.getInt("disabled") == 1)
      .field("created_at", sql_time_to_rfc3339(get_string(rs, "created_at")))
      .end_object();
}

Response list(const Request& req, Context& ctx) {
  auto admin = require_admin(req, ctx);
  CINEMA_RETURN_IF_ERROR(admin);
  auto q = parse_user_query(req);
  CINEMA_RETURN_IF_ERROR(q);
  std::string body = ctx.db().autocommit([&](Session& s) {
    // One row more than asked tells whether there is a next page.
    Rows rs = s.query(
        "SELECT id, email, role, display_name, disabled_at IS NOT NULL AS disabled, created_at "
        "FROM users WHERE id > ? AND (? IS NULL OR role = ?) "
        "AND (? IS NULL OR email LIKE ? COLLATE utf8mb4_unicode_ci ESCAPE '!' "
        "OR display_name LIKE ? ESCAPE '!') "
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

struct UserRow {
  std::string json;
  std::string role;
  bool disabled = false;
};

std::optional<UserRow> lock_user(Session& s, int64_t id) {
  Rows rs = s.query(
      "SELECT id, email, role, display_name, disabled_at IS NOT NULL AS disabled, created_at "
      "FROM users WHERE id = ? FOR UPDATE",
      id);
  if (!rs->next()) return std::nullopt;
  JsonWriter w;
  write_user(w, *rs);
  return UserRow{w.str(), get_string(*rs, "role"), rs->getInt("disabled") == 1};
}

// PATCH {role?, disabled?}. Either change takes effect at once: requests are
// checked against the current role and flag (cinema/auth.h), the account's
// cached state is dropped after commit, and its refresh-token families are
// revoked, so no session carries the old rights on.
Response update_user(const Request& req, Context& ctx) {
  auto admin = require_admin(req, ctx);
  CINEMA_RETURN_IF_ERROR(admin);
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  auto body = read_json(req, {"role", "disabled"});
  CINEMA_RETURN_IF_ERROR(body);
  auto role = body->string("role", false, 1, 16);
  auto disabled = body->boolean("disabled", false);
  if (role && !is_role(*role)) body->add_error("role", "must be CUSTOMER, OWNER or ADMIN");
  if (!body->has("role") && !body->has("disabled")) {
    body->add_error("role", "role or disabled is required");
  }
  CINEMA_RETURN_IF_ERROR(body->finish());
  if (*id == admin->id && ((role && *role != "ADMIN") || disabled.value_or(false))) {
    return Response::problem(
        conflict("Admins cannot demote or disable themselves; ask another admin"));
  }

  bool changed = false;
  auto out = ctx.db().transaction([&](Session& s) -> StatusOr<std::string> {
    changed = false;
    // Every active ADMIN row is locked first, always in this order, so two
    // concurrent demotions cannot both see another admin left.
    Rows admins =
        s.query("SELECT id FROM users WHERE role = 'ADMIN' AND disabled_at IS NULL FOR UPDATE");
    int64_t admin_count = 0;
    while (admins->next()) ++admin_count;
    auto before = lock_user(s, *id);
    if (!before) return not_found("No such user");
    std::string new_role = role.value_or(before->role);
    bool new_disabled = disabled.value_or(before->disabled);
    if (new_role == before->role && new_disabled == before->disabled) return before->json;
    bool was_active_admin = before->role == "ADMIN" && !before->disabled;
    bool stays_active_admin = new_role == "ADMIN" && !new_disabled;
    if (was_active_admin && !stays_active_admin && admin_count <= 1) {
      return conflict("This is the last ADMIN; grant ADMIN to someone else first");
    }
    s.exec(
        "UPDATE users SET role = ?, disabled_at = IF(?, COALESCE(disabled_at, NOW(3)), NULL) "
        "WHERE id = ?",
        new_role, new_disabled, *id);
    s.exec("UPDATE refresh_tokens SET revoked_at = NOW(3) WHERE user_id = ? AND revoked_at IS NULL",
           *id);
    std::string after = lock_user(s, *id)->json;
    const char* action = new_role != before->role ? "user.role_change"
                         : new_disabled           ? "user.disable"
                                                  : "user.enable";
    write_audit(s, ctx, {admin->id, admin->role, action, "user", *id, before->json, after});
    changed = true;
    return after;
  });
  if (changed) {
    ctx.accounts().forget(*id);
    // Again once answered: a reader that loaded the old state just before the
    // commit may have cached it a moment after the first forget.
    ctx.after_response([&ctx, user = *id] { ctx.accounts().forget(user); });
  }
  CINEMA_RETURN_IF_ERROR(out);
  return Response::json(200, *out).with_header("Cache-Control", "no-store");
}

}  // namespace

const Router& router() {
  static const Router r{
      {"GET", "/v1/admin/users", list},
      {"PATCH", "/v1/admin/users/{id}", update_user},
  };
  return r;
}

Response handle(const Request& req, Context& ctx) {
  return router().dispatch(req, ctx);
}

}  // namespace cinema::admin_users
