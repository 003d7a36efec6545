#include "seatmap.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "cinema/cache.h"
#include "cinema/crypto.h"
#include "cinema/gzip.h"
#include "cinema/json.h"

namespace cinema::seatmap {
namespace {

constexpr int kMaxTtlS = 30;
constexpr size_t kMaxLocalShows = 256;

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

struct Rendered {
  std::string body;
  int ttl_s = kMaxTtlS;  // until the earliest live hold expires
};

// A map as this process keeps it.
struct Local {
  std::string version;
  std::string etag;
  std::string gzip_body;
  std::string plain_body;  // filled on first use by a client without gzip
  int64_t expires_ms = 0;  // steady clock
};

std::unordered_map<int64_t, Local>& local_maps() {
  static std::unordered_map<int64_t, Local> maps;
  return maps;
}

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

Response respond(const Request& req, Local& map, const char* cache) {
  Response r;
  r.with_header("ETag", map.etag)
      .with_header("Cache-Control", "no-cache")
      .with_header("Vary", "Accept-Encoding")
      .with_header("X-Cache", cache);
  std::string inm = req.header("if-none-match");
  if (!inm.empty() && (inm == "*" || inm.find(map.etag.substr(2)) != std::string::npos)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  if (accepts_gzip(req.header("accept-encoding"))) {
    r.with_header("Content-Encoding", "gzip");
    r.body = map.gzip_body;
  } else {
    if (map.plain_body.empty()) map.plain_body = gzip_decompress(map.gzip_body).value_or("");
    r.body = map.plain_body;
  }
  return r;
}

Response seat_map(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  if (!id.ok()) return Response::problem(id.problem());
  SeatMapCache cache(ctx.redis());
  std::optional<std::string> version = cache.version(*id);
  auto& maps = local_maps();
  int64_t now = steady_ms();
  if (version) {
    auto it = maps.find(*id);
    if (it != maps.end() && it->second.version == *version && now < it->second.expires_ms) {
      return respond(req, it->second, "HIT-LOCAL");
    }
    if (auto entry = cache.get(*id, *version)) {
      if (maps.size() >= kMaxLocalShows) maps.clear();
      Local& l = maps[*id];
      l = Local{*version, entry->etag, std::move(entry->gzip_body), "", now + entry->ttl_ms};
      return respond(req, l, "HIT");
    }
  }
  // Rendered under the version read *before* the query: a change committed
  // meanwhile has bumped the version, so this entry is never served after it.
  std::string v = version.value_or("0");
  auto rendered = render(ctx, *id, v);
  if (!rendered) return Response::problem(not_found("No such show"));
  Local fresh{v, "W/\"" + std::to_string(*id) + "-" + sha256_hex(rendered->body).substr(0, 16) + "\"",
              gzip_compress(rendered->body), std::move(rendered->body),
              now + rendered->ttl_s * 1000};
  if (!version) return respond(req, fresh, "BYPASS");  // Redis down: no caching at all
  cache.put(*id, v, {fresh.etag, fresh.gzip_body, 0}, rendered->ttl_s);
  if (maps.size() >= kMaxLocalShows) maps.clear();
  Local& l = maps[*id];
  l = std::move(fresh);
  return respond(req, l, "MISS");
}

}  // namespace

Response handle(const Request& req, Context& ctx) {
  static const Router router = [] {
    Router r;
    r.on("GET", "/v1/shows/{id}/seats", seat_map);
    return r;
  }();
  return router.dispatch(req, ctx);
}

}  // namespace cinema::seatmap
