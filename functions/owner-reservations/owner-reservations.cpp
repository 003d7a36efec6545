#include "owner-reservations.h"

#include "cinema/booking.h"
#include "cinema/json.h"
#include "cinema/list_query.h"
#include "cinema/ownership.h"

namespace cinema::owner_reservations {
namespace {

bool owns_cinema(const AuthUser& actor, const ReservationRef& r) {
  return actor.role == "ADMIN" || r.owner_id == actor.id;
}

// GET /v1/shows/{id}/reservations?status=&limit=&cursor=: the show's
// reservations by id, a page at a time, in three queries whatever the page
// size (the page's ids, then reservations_json).
Response show_reservations(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const int64_t show_id, path_id(req, "id"));
  CINEMA_ASSIGN_OR_RETURN(const AuthUser user, require_owner(req, ctx));
  QueryReader q(req);
  auto status = q.one_of("status", {"CONFIRMED", "CANCELLED"});
  const int64_t limit = q.limit();
  auto cursor = q.cursor({"after_id"});
  CINEMA_RETURN_IF_ERROR(q.status());
  auto body = ctx.db().autocommit([&](Session& s) -> StatusOr<std::string> {
    CINEMA_RETURN_IF_ERROR(authorize_owner(s, user, Owned::kShow, show_id));
    Rows rs = s.query(
        "SELECT id FROM reservations WHERE show_id = ? AND id > ? AND (? IS NULL OR status = ?) "
        "ORDER BY id LIMIT ?",
        show_id, cursor ? cursor->at("after_id") : int64_t{0}, status, status, limit + 1);
    std::vector<int64_t> ids;
    const bool more =
        read_page(*rs, limit, [&](sql::ResultSet& row) { ids.push_back(row.getInt64("id")); });
    JsonWriter w;
    w.begin_object().field("show_id", show_id).key("items").begin_array();
    for (const std::string& r : reservations_json(s, ids)) w.raw(r);
    w.end_array();
    write_next_cursor(w, more, {{"after_id", more ? ids.back() : 0}});
    w.end_object();
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
