#include "seatmap.h"

#include <algorithm>

#include "cinema/cache.h"
#include "cinema/json.h"

namespace cinema::seatmap {
namespace {

constexpr int kMaxTtlS = 30;

struct Rendered {
  std::string body;
  int ttl_s = kMaxTtlS;  // until the earliest live hold expires
};

std::optional<Rendered> render(Context& ctx, int64_t show_id, const std::string& version) {
  return ctx.db().autocommit([&](Session& s) -> std::optional<Rendered> {
    Rows show = s.query("SELECT currency FROM shows WHERE id = ?", show_id);
    if (!show->next()) return std::nullopt;
    Rows rs = s.query(
        "SELECT ss.seat_id, se.row_label, se.number, se.grid_row, se.grid_col, se.seat_type, "
        "ss.price_cents, CASE WHEN ss.status = 'HELD' AND ss.held_until <= NOW(3) THEN 'FREE' "
        "ELSE ss.status END AS status, "
        "IF(ss.status = 'HELD' AND ss.held_until > NOW(3), "
        "CEIL(TIMESTAMPDIFF(MICROSECOND, NOW(3), ss.held_until) / 1000000), NULL) AS hold_left "
        "FROM show_seats ss JOIN seats se ON se.id = ss.seat_id WHERE ss.show_id = ? "
        "ORDER BY se.grid_row, se.grid_col",
        show_id);
    Rendered out;
    JsonWriter w;
    w.begin_object()
        .field("show_id", show_id)
        .field("version", version)
        .field("currency", get_string(*show, "currency"))
        .key("seats")
        .begin_array();
    while (rs->next()) {
      if (auto left = opt_int64(*rs, "hold_left")) {
        out.ttl_s = std::min<int>(out.ttl_s, static_cast<int>(std::max<int64_t>(1, *left)));
      }
      w.begin_object()
          .field("seat_id", rs->getInt64("seat_id"))
          .field("row", get_string(*rs, "row_label"))
          .field("number", rs->getInt64("number"))
          .field("grid_row", rs->getInt64("grid_row"))
          .field("grid_col", rs->getInt64("grid_col"))
          .field("type", get_string(*rs, "seat_type"))
          .field("status", get_string(*rs, "status"))
          .field("price_cents", rs->getInt64("price_cents"))
          .end_object();
    }
    w.end_array().end_object();
    out.body = w.str();
    return out;
  });
}

Response respond(const Request& req, const std::string& etag, std::string body, const char* cache) {
  Response r = Response::json(200, std::move(body));
  r.with_header("ETag", etag).with_header("Cache-Control", "no-cache").with_header("X-Cache", cache);
  std::string inm = req.header("if-none-match");
  if (!inm.empty() && (inm == "*" || inm.find(etag) != std::string::npos)) {
    r.status = 304;
    r.body.clear();
    r.content_type.clear();
  }
  return r;
}

}  // namespace

Response handle(const Request& req, Context& ctx) {
  static const Router router = [] {
    Router r;
    r.on("GET", "/v1/shows/{id}/seats", [](const Request& req, Context& ctx) {
      auto id = path_id(req, "id");
      if (!id.ok()) return Response::problem(id.problem());
      SeatMapCache cache(ctx.redis());
      auto found = cache.lookup(*id);
      if (found && found->entry) {
        const std::string& e = *found->entry;
        size_t nl = e.find('\n');
        if (nl != std::string::npos) return respond(req, e.substr(0, nl), e.substr(nl + 1), "HIT");
      }
      std::string version = found ? found->version : "0";
      auto map = render(ctx, *id, version);
      if (!map) return Response::problem(not_found("No such show"));
      std::string etag = "\"" + std::to_string(*id) + "-" + etag_of(map->body).substr(1);
      // Stored under the version read *before* rendering: a change committed
      // meanwhile has bumped the version, so this entry is never served.
      if (found) cache.put(*id, version, etag + "\n" + map->body, map->ttl_s);
      return respond(req, etag, std::move(map->body), "MISS");
    });
    return r;
  }();
  return router.dispatch(req, ctx);
}

}  // namespace cinema::seatmap
