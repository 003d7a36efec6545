#include "owner-reservations.h"

#include "cinema/booking.h"
#include "cinema/json.h"
#include "cinema/ownership.h"

namespace cinema::owner_reservations {
namespace {

bool owns_cinema(const AuthUser& actor, const ReservationRef& r) {
  return actor.role == "ADMIN" || r.owner_id == actor.id;
}

Response show_reservations(const Request& req, Context& ctx) {
  auto show_id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(show_id);
  auto user = require_owner(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  std::string status = req.query_param("status").value_or("");
  if (!status.empty() && status != "CONFIRMED" && status != "CANCELLED") {
    return Response::problem(
        bad_request("status must be CONFIRMED or CANCELLED", {{"status", "invalid"}}));
  }
  auto body = ctx.db().autocommit([&](Session& s) -> StatusOr<std::string> {
    auto own = authorize_owner(s, *user, Owned::kShow, *show_id);
    CINEMA_RETURN_IF_ERROR(own);
    Rows rs = s.query(
        "SELECT id FROM reservations WHERE show_id = ? AND (? = '' OR status = ?) ORDER BY id",
        *show_id, status, status);
    std::vector<int64_t> ids;
    while (rs->next()) ids.push_back(rs->getInt64("id"));
    JsonWriter w;
    w.begin_object().field("show_id", *show_id).key("items").begin_array();
    for (int64_t id : ids) {
      if (auto r = reservation_json(s, id)) w.raw(*r);
    }
    w.end_array().end_object();
    return w.str();
  });
  CINEMA_RETURN_IF_ERROR(body);
  return Response::json(200, *body).with_header("Cache-Control", "no-store");
}

Response one(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  auto user = require_owner(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  auto body = ctx.db().autocommit([&](Session& s) -> std::optional<std::string> {
    Rows rs = s.query(
        "SELECT c.owner_id FROM reservations r JOIN shows sh ON sh.id = r.show_id "
        "JOIN halls h ON h.id = sh.hall_id JOIN cinemas c ON c.id = h.cinema_id WHERE r.id = ?",
        *id);
    if (!rs->next() || !owns_cinema(*user, {0, rs->getInt64("owner_id")})) return std::nullopt;
    return reservation_json(s, *id, true);
  });
  if (!body) return Response::problem(not_found("No such reservation"));
  return Response::json(200, *body).with_header("Cache-Control", "no-store");
}

Response cancel(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  auto user = require_owner(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  return cancel_reservation_response(ctx, *user, *id, owns_cinema);
}

}  // namespace

const Router& router() {
  static const Router r{
      {"GET", "/v1/shows/{id}/reservations", show_reservations},
      {"GET", "/v1/owner/reservations/{id}", one},
      {"DELETE", "/v1/owner/reservations/{id}", cancel},
  };
  return r;
}

}  // namespace cinema::owner_reservations
