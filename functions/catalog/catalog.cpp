#include "catalog.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "cinema/cache.h"
#include "cinema/json.h"
#include "cinema/timefmt.h"
#include "queries.h"

namespace cinema::catalog {
namespace {

constexpr int64_t kMaxLimit = 100;
constexpr int64_t kDefaultWindowS = 30 * 86400;

// Serves from the catalogue cache when it can; otherwise loads from MariaDB
// (autocommit reads, on the read replica when one is usable) and fills the cache. Either way
// answers 304 for a matching If-None-Match. Only the query parameters a route reads make its cache
// key: any other is a 400, or junk values would each be a fresh key and a database read.
Response cached(const Request& req, Context& ctx, std::initializer_list<std::string_view> params,
                const std::function<StatusOr<std::string>(Session&)>& load) {
  std::vector<FieldError> unknown;
  for (const auto& entry : req.query) {
    if (std::find(params.begin(), params.end(), entry.first) == params.end()) {
      unknown.push_back({entry.first, "is not a parameter of this resource"});
    }
  }
  if (!unknown.empty()) {
    return Response::problem(bad_request("Unknown query parameters", std::move(unknown)));
  }
  CatalogCache cache(ctx.redis(), static_cast<int>(ctx.config().catalog_cache_ttl_s));
  std::string key = req.path;
  for (const auto& [k, v] : req.query) key += "|" + k + "=" + v;  // std::map: canonical order
  if (auto hit = cache.get(key)) {
    return conditional(req, Response::json(200, *hit)
                                .with_header("Cache-Control", "no-cache")
                                .with_header("X-Cache", "HIT"));
  }
  StatusOr<std::string> body = ctx.catalogue_read(load);
  CINEMA_RETURN_IF_ERROR(body);
  cache.put(key, *body);
  return conditional(req, Response::json(200, *body)
                              .with_header("Cache-Control", "no-cache")
                              .with_header("X-Cache", "MISS"));
}

StatusOr<Page> read_page(const Request& req) {
  Page page;
  if (auto limit = req.query_param("limit")) {
    if (limit->empty() || limit->size() > 4 ||
        limit->find_first_not_of("0123456789") != std::string::npos) {
      return bad_request("limit must be an integer between 1 and 100",
                         {{"limit", "must be an integer between 1 and 100"}});
    }
    page.limit = std::min<int64_t>(std::stoll(*limit), kMaxLimit);
    if (page.limit < 1) {
      return bad_request("limit must be an integer between 1 and 100",
                         {{"limit", "must be an integer between 1 and 100"}});
    }
  }
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    auto json = decode_cursor(*cursor);
    rapidjson::Document d;
    if (json) d.Parse(json->c_str());
    if (!json || d.HasParseError() || !d.IsObject() || !d.HasMember("id") || !d["id"].IsInt64()) {
      return bad_request("The cursor is not valid", {{"cursor", "is not a cursor we issued"}});
    }
    page.after_id = d["id"].GetInt64();
    if (d.HasMember("t") && d["t"].IsInt64()) page.after_time = d["t"].GetInt64();
  }
  return page;
}

StatusOr<std::optional<int64_t>> optional_id(const Request& req, const char* name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::optional<int64_t>();
  if (v->size() > 18 || v->find_first_not_of("0123456789") != std::string::npos) {
    return bad_request(std::string(name) + " must be a positive integer",
                       {{name, "must be a positive integer"}});
  }
  return std::optional<int64_t>(std::stoll(*v));
}

StatusOr<ShowFilter> read_show_filter(const Request& req, const Context& ctx) {
  ShowFilter f;
  int64_t now = ctx.clock().now_s();
  f.from_s = now;
  std::vector<FieldError> errors;
  if (auto from = req.query_param("from"); from && !from->empty()) {
    if (auto t = parse_rfc3339(*from))
      f.from_s = *t;
    else
      errors.push_back({"from", "must be an RFC 3339 time"});
  }
  f.to_s = f.from_s + kDefaultWindowS;
  if (auto to = req.query_param("to"); to && !to->empty()) {
    if (auto t = parse_rfc3339(*to))
      f.to_s = *t;
    else
      errors.push_back({"to", "must be an RFC 3339 time"});
  }
  if (errors.empty() && f.to_s < f.from_s) errors.push_back({"to", "must not be before from"});
  auto cinema_id = optional_id(req, "cinema_id");
  CINEMA_RETURN_IF_ERROR(cinema_id);
  f.cinema_id = *cinema_id;
  if (!errors.empty()) return bad_request("Invalid query parameters", std::move(errors));
  return f;
}

Response cinemas(const Request& req, Context& ctx) {
  auto page = read_page(req);
  CINEMA_RETURN_IF_ERROR(page);
  auto city = req.query_param("city");
  if (city && city->empty()) city.reset();
  return cached(req, ctx, {"limit", "cursor", "city"},
                [&](Session& s) { return list_cinemas(s, city, *page); });
}

Response shows(const Request& req, Context& ctx) {
  auto page = read_page(req);
  CINEMA_RETURN_IF_ERROR(page);
  auto filter = read_show_filter(req, ctx);
  CINEMA_RETURN_IF_ERROR(filter);
  return cached(req, ctx, {"limit", "cursor", "from", "to", "cinema_id"},
                [&](Session& s) { return list_shows(s, *filter, *page); });
}

Response search(const Request& req, Context& ctx) {
  auto page = read_page(req);
  CINEMA_RETURN_IF_ERROR(page);
  std::string q = req.query_param("q").value_or("");
  if (q.size() > 100) {
    return Response::problem(bad_request("q is too long", {{"q", "must be at most 100 bytes"}}));
  }
  ShowFilter f;
  f.from_s = ctx.clock().now_s();
  f.to_s = f.from_s + 365 * 86400;
  f.title_query = q;
  return cached(req, ctx, {"limit", "cursor", "q"},
                [&](Session& s) { return list_shows(s, f, *page); });
}

// GET /v1/.../{id}... handled by a loader taking the id.
Handler by_id(StatusOr<std::string> (*load)(Session&, int64_t)) {
  return [load](const Request& req, Context& ctx) -> Response {
    auto id = path_id(req, "id");
    CINEMA_RETURN_IF_ERROR(id);
    return cached(req, ctx, {}, [&](Session& s) { return load(s, *id); });
  };
}

// GET /v1/halls/{id}/seats[?active=true|false]
Response hall_seats_route(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  std::optional<bool> active;
  if (auto a = req.query_param("active"); a && !a->empty()) {
    if (*a != "true" && *a != "false") {
      return Response::problem(
          bad_request("active must be true or false", {{"active", "must be true or false"}}));
    }
    active = *a == "true";
  }
  return cached(req, ctx, {"active"}, [&](Session& s) { return hall_seats(s, *id, active); });
}

// GET /v1/halls/{id}/shows
Response hall_shows_route(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  auto page = read_page(req);
  CINEMA_RETURN_IF_ERROR(page);
  auto filter = read_show_filter(req, ctx);
  CINEMA_RETURN_IF_ERROR(filter);
  filter->hall_id = *id;
  return cached(req, ctx, {"limit", "cursor", "from", "to", "cinema_id"},
                [&](Session& s) -> StatusOr<std::string> {
                  auto hall = get_hall(s, *id);
                  CINEMA_RETURN_IF_ERROR(hall);
                  return list_shows(s, *filter, *page);
                });
}

// GET /v1/shows/{id}
Response show_route(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  return cached(req, ctx, {}, [&](Session& s) { return get_show(s, *id, ctx.config()); });
}

std::optional<std::string> title_query(const Request& req) {
  std::string q = req.query_param("q").value_or("");
  if (q.size() > 100) return std::nullopt;
  return q;
}

// GET /v1/films[?q=]
Response films(const Request& req, Context& ctx) {
  auto page = read_page(req);
  CINEMA_RETURN_IF_ERROR(page);
  auto q = title_query(req);
  if (!q) {
    return Response::problem(bad_request("q is too long", {{"q", "must be at most 100 bytes"}}));
  }
  return cached(req, ctx, {"limit", "cursor", "q"},
                [&](Session& s) { return list_films(s, *q, *page); });
}

// GET /v1/films/{id}/shows: the film's scheduled shows from now (or `from`)
// for a year (or until `to`).
Response film_shows(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  auto page = read_page(req);
  CINEMA_RETURN_IF_ERROR(page);
  auto filter = read_show_filter(req, ctx);
  CINEMA_RETURN_IF_ERROR(filter);
  if (req.query_param("to").value_or("").empty()) filter->to_s = filter->from_s + 365 * 86400;
  filter->film_id = *id;
  return cached(req, ctx, {"limit", "cursor", "from", "to", "cinema_id"},
                [&](Session& s) -> StatusOr<std::string> {
                  auto film = get_film(s, *id);
                  CINEMA_RETURN_IF_ERROR(film);
                  return list_shows(s, *filter, *page);
                });
}

}  // namespace

const Router& router() {
  static const Router r{
      {"GET", "/v1/cinemas", cinemas},
      {"GET", "/v1/cinemas/{id}", by_id(get_cinema)},
      {"GET", "/v1/cinemas/{id}/halls", by_id(list_halls)},
      {"GET", "/v1/halls/{id}", by_id(get_hall)},
      {"GET", "/v1/halls/{id}/seats/layout", by_id(hall_layout)},
      {"GET", "/v1/halls/{id}/seats", hall_seats_route},
      {"GET", "/v1/halls/{id}/shows", hall_shows_route},
      {"GET", "/v1/shows", shows},
      {"GET", "/v1/shows/{id}", show_route},
      {"GET", "/v1/films", films},
      {"GET", "/v1/films/{id}", by_id(get_film)},
      {"GET", "/v1/films/{id}/shows", film_shows},
      {"GET", "/v1/search/shows", search},
  };
  return r;
}

}  // namespace cinema::catalog
