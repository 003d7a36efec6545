#include "reservations.h"

#include <rapidjson/document.h>

#include "cinema/auth.h"
#include "cinema/booking.h"
#include "cinema/json.h"
#include "cinema/timefmt.h"

namespace cinema::reservations {
namespace {

constexpr int64_t kMaxLimit = 100;

Response mine(const Request& req, Context& ctx) {
  auto user = authenticate(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  int64_t limit = 20;
  if (auto l = req.query_param("limit")) {
    if (l->empty() || l->size() > 3 || l->find_first_not_of("0123456789") != std::string::npos ||
        std::stoll(*l) < 1) {
      return Response::problem(bad_request("limit must be 1..100", {{"limit", "must be 1..100"}}));
    }
    limit = std::min<int64_t>(std::stoll(*l), kMaxLimit);
  }
  int64_t before_id = INT64_MAX;
  if (auto c = req.query_param("cursor"); c && !c->empty()) {
    auto json = decode_cursor(*c);
    rapidjson::Document d;
    if (json) d.Parse(json->c_str());
    if (!json || d.HasParseError() || !d.IsObject() || !d.HasMember("before") ||
        !d["before"].IsInt64()) {
      return Response::problem(bad_request("The cursor is not valid", {{"cursor", "is invalid"}}));
    }
    before_id = d["before"].GetInt64();
  }
  std::string body = ctx.db().autocommit([&](Session& s) {
    Rows rs =
        s.query("SELECT id FROM reservations WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                user->id, before_id, limit + 1);
    std::vector<int64_t> ids;
    while (rs->next()) ids.push_back(rs->getInt64("id"));
    bool more = static_cast<int64_t>(ids.size()) > limit;
    if (more) ids.pop_back();
    JsonWriter w;
    w.begin_object().key("items").begin_array();
    for (int64_t id : ids) {
      if (auto r = reservation_json(s, id)) w.raw(*r);
    }
    w.end_array();
    if (more) {
      w.field("next_cursor", encode_cursor("{\"before\":" + std::to_string(ids.back()) + "}"));
    } else {
      w.null_field("next_cursor");
    }
    w.end_object();
    return w.str();
  });
  return Response::json(200, body).with_header("Cache-Control", "no-store");
}

Response one(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  auto user = authenticate(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  auto body = ctx.db().autocommit([&](Session& s) -> std::optional<std::string> {
    Rows rs = s.query(
        "SELECT r.user_id, c.owner_id FROM reservations r JOIN shows sh ON sh.id = r.show_id "
        "JOIN halls h ON h.id = sh.hall_id JOIN cinemas c ON c.id = h.cinema_id WHERE r.id = ?",
        *id);
    if (!rs->next()) return std::nullopt;
    bool visible = user->role == "ADMIN" || rs->getInt64("user_id") == user->id ||
                   (user->role == "OWNER" && rs->getInt64("owner_id") == user->id);
    if (!visible) return std::nullopt;  // 404: do not reveal that it exists
    return reservation_json(s, *id, true);
  });
  if (!body) return Response::problem(not_found("No such reservation"));
  return Response::json(200, *body).with_header("Cache-Control", "no-store");
}

}  // namespace

const Router& router() {
  static const Router r{
      {"GET", "/v1/my-reservations", mine},
      {"GET", "/v1/reservations/{id}", one},
  };
  return r;
}

}  // namespace cinema::reservations
