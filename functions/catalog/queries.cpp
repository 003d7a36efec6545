#include "queries.h"

#include <map>
#include <vector>

#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/list_query.h"
#include "cinema/show_prices.h"
#include "cinema/timefmt.h"

namespace cinema::catalog {
namespace {

void cinema_fields(JsonWriter& w, sql::ResultSet& rs) {
  w.field("id", rs.getInt64("id"))
      .field("owner_id", rs.getInt64("owner_id"))
      .field("name", get_string(rs, "name"))
      .field("city", get_string(rs, "city"))
      .field("address", get_string(rs, "address"))
      .field("timezone", get_string(rs, "timezone"));
}

constexpr const char* kCinemaColumns = "id, owner_id, name, city, address, timezone";

void hall_fields(JsonWriter& w, sql::ResultSet& rs) {
  w.field("id", rs.getInt64("id"))
      .field("cinema_id", rs.getInt64("cinema_id"))
      .field("name", get_string(rs, "name"))
      .field("rows", rs.getInt64("rows_count"))
      .field("cols", rs.getInt64("cols_count"))
      .field("seat_count", rs.getInt64("seat_count"));
}

constexpr const char* kHallSelect =
    "SELECT h.id, h.cinema_id, h.name, h.rows_count, h.cols_count, "
    "(SELECT COUNT(*) FROM seats se WHERE se.hall_id = h.id AND se.active = 1) AS seat_count "
    "FROM halls h ";

// A show's film; null for a show an older release created without one (its
// title stands alone).
void film_ref(JsonWriter& w, sql::ResultSet& rs) {
  if (rs.isNull("film_id")) {
    w.null_field("film_id").null_field("film");
    return;
  }
  w.field("film_id", rs.getInt64("film_id"))
      .key("film")
      .begin_object()
      .field("id", rs.getInt64("film_id"))
      .field("title", get_string(rs, "film_title"))
      .field("duration_min", rs.getInt64("film_duration_min"));
  if (rs.isNull("film_rating"))
    w.null_field("rating");
  else
    w.field("rating", get_string(rs, "film_rating"));
  w.end_object();
}

void show_fields(JsonWriter& w, sql::ResultSet& rs) {
  w.field("id", rs.getInt64("id"))
      .field("hall_id", rs.getInt64("hall_id"))
      .field("cinema_id", rs.getInt64("cinema_id"));
  film_ref(w, rs);
  w.field("title", get_string(rs, "title"))
      .field("starts_at", sql_time_to_rfc3339(get_string(rs, "starts_at")))
      .field("ends_at", sql_time_to_rfc3339(get_string(rs, "ends_at")))
      .field("base_price_cents", rs.getInt64("base_price_cents"))
      .field("currency", get_string(rs, "currency"))
      .field("status", get_string(rs, "status"));
}

constexpr const char* kShowSelect =
    "SELECT sh.id, sh.hall_id, h.cinema_id, sh.title, sh.starts_at, sh.ends_at, "
    "TIMESTAMPDIFF(SECOND, '1970-01-01', sh.starts_at) AS starts_epoch, sh.base_price_cents, "
    "sh.currency, sh.status, "
    "h.name AS hall_name, c.name AS cinema_name, c.city, sh.film_id, f.title AS film_title, "
    "f.duration_min AS film_duration_min, f.rating AS film_rating "
    "FROM shows sh JOIN halls h ON h.id = sh.hall_id JOIN cinemas c ON c.id = h.cinema_id "
    "LEFT JOIN films f ON f.id = sh.film_id ";

void film_fields(JsonWriter& w, sql::ResultSet& rs) {
  auto text = [&](const char* col) -> std::optional<std::string> {
    if (rs.isNull(col)) return std::nullopt;
    return get_string(rs, col);
  };
  w.field("id", rs.getInt64("id"))
      .field("owner_id", rs.getInt64("owner_id"))
      .field("title", get_string(rs, "title"))
      .field("duration_min", rs.getInt64("duration_min"))
      .field("rating", text("rating"))
      .field("description", text("description"))
      .field("poster_url", text("poster_url"));
}

constexpr const char* kFilmColumns =
    "id, owner_id, title, duration_min, rating, description, poster_url";

std::string page_cursor(int64_t id, std::optional<int64_t> t) {
  JsonWriter w;
  w.begin_object().field("id", id);
  if (t) w.field("t", *t);
  w.end_object();
  return encode_cursor(w.str());
}

void seat_fields(JsonWriter& w, sql::ResultSet& rs) {
  w.field("seat_id", rs.getInt64("id"))
      .field("row", get_string(rs, "row_label"))
      .field("number", rs.getInt64("number"))
      .field("grid_row", rs.getInt64("grid_row"))
      .field("grid_col", rs.getInt64("grid_col"))
      .field("type", get_string(rs, "seat_type"))
      .field("active", rs.getInt("active") == 1);
}

}  // namespace

std::string escape_like(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// A page of a list ordered by id, as {items, next_cursor}: `fields` writes
// one row's members.
template <class Fields>
std::string id_page(sql::ResultSet& rs, const Page& page, Fields fields) {
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  int64_t last = 0;
  const bool more = read_page(rs, page.limit, [&](sql::ResultSet& row) {
    w.begin_object();
    fields(w, row);
    w.end_object();
    last = row.getInt64("id");
  });
  w.end_array();
  if (more) {
    w.field("next_cursor", page_cursor(last, std::nullopt));
  } else {
    w.null_field("next_cursor");
  }
  w.end_object();
  return w.str();
}

StatusOr<std::string> list_cinemas(Session& s, const std::optional<std::string>& city,
                                   const Page& page) {
  Rows rs = s.query(std::string("SELECT ") + kCinemaColumns +
                        " FROM cinemas WHERE (? IS NULL OR city = ?) AND id > ? "
                        "ORDER BY id LIMIT ?",
                    city, city, page.after_id.value_or(0), page.limit + 1);
  return id_page(*rs, page, cinema_fields);
}

StatusOr<std::string> get_cinema(Session& s, int64_t id) {
  Rows rs = s.query(std::string("SELECT ") + kCinemaColumns + " FROM cinemas WHERE id = ?", id);
  if (!rs->next()) return not_found("No such cinema");
  JsonWriter w;
  w.begin_object();
  cinema_fields(w, *rs);
  w.end_object();
  return w.str();
}

StatusOr<std::string> list_halls(Session& s, int64_t cinema_id) {
  auto cinema = get_cinema(s, cinema_id);
  CINEMA_RETURN_IF_ERROR(cinema);
  Rows rs = s.query(std::string(kHallSelect) + "WHERE h.cinema_id = ? ORDER BY h.id", cinema_id);
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  while (rs->next()) {
    w.begin_object();
    hall_fields(w, *rs);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str();
}

StatusOr<std::string> get_hall(Session& s, int64_t id) {
  Rows rs = s.query(std::string(kHallSelect) + "WHERE h.id = ?", id);
  if (!rs->next()) return not_found("No such hall");
  JsonWriter w;
  w.begin_object();
  hall_fields(w, *rs);
  w.end_object();
  return w.str();
}

StatusOr<std::string> hall_layout(Session& s, int64_t id) {
  Rows hall = s.query("SELECT rows_count, cols_count FROM halls WHERE id = ?", id);
  if (!hall->next()) return not_found("No such hall");
  int64_t rows = hall->getInt64("rows_count"), cols = hall->getInt64("cols_count");
  Rows rs = s.query(
      "SELECT id, row_label, number, grid_row, grid_col, seat_type, active FROM seats "
      "WHERE hall_id = ? ORDER BY grid_row, grid_col",
      id);
  // grid[r][c] -> seat JSON; missing cells are gaps (aisles, no seat).
  std::map<std::pair<int64_t, int64_t>, std::string> cells;
  std::map<int64_t, std::string> labels;
  while (rs->next()) {
    JsonWriter cell;
    cell.begin_object();
    seat_fields(cell, *rs);
    cell.end_object();
    cells[{rs->getInt64("grid_row"), rs->getInt64("grid_col")}] = cell.str();
    labels[rs->getInt64("grid_row")] = get_string(*rs, "row_label");
  }
  JsonWriter w;
  w.begin_object().field("hall_id", id).field("rows", rows).field("cols", cols);
  w.key("grid").begin_array();
  for (int64_t r = 1; r <= rows; ++r) {
    w.begin_object();
    auto label = labels.find(r);
    if (label != labels.end())
      w.field("row", label->second);
    else
      w.null_field("row");
    w.key("cells").begin_array();
    for (int64_t c = 1; c <= cols; ++c) {
      auto it = cells.find({r, c});
      if (it == cells.end())
        w.null();
      else
        w.raw(it->second);
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.str();
}

StatusOr<std::string> hall_seats(Session& s, int64_t id, std::optional<bool> active) {
  Rows hall = s.query("SELECT id FROM halls WHERE id = ?", id);
  if (!hall->next()) return not_found("No such hall");
  std::optional<int64_t> active_flag;
  if (active) active_flag = *active ? 1 : 0;
  Rows rs = s.query(
      "SELECT id, row_label, number, grid_row, grid_col, seat_type, active FROM seats "
      "WHERE hall_id = ? AND (? IS NULL OR active = ?) ORDER BY grid_row, grid_col",
      id, active_flag, active_flag);
  JsonWriter w;
  w.begin_object().field("hall_id", id).key("items").begin_array();
  while (rs->next()) {
    w.begin_object();
    seat_fields(w, *rs);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str();
}

StatusOr<std::string> list_shows(Session& s, const ShowFilter& f, const Page& page) {
  std::optional<std::string> pattern;
  if (!f.title_query.empty()) pattern = "%" + escape_like(f.title_query) + "%";
  std::optional<std::string> after_time;
  if (page.after_id && page.after_time) after_time = sql_datetime(*page.after_time);
  // Keyset pagination on (starts_at, id): rows inserted while a client pages
  // never shift the pages it has not read yet.
  Rows rs = s.query(std::string(kShowSelect) +
                        "WHERE sh.status = 'SCHEDULED' AND sh.starts_at >= ? AND sh.starts_at < ? "
                        "AND (? IS NULL OR h.cinema_id = ?) AND (? IS NULL OR sh.hall_id = ?) "
                        "AND (? IS NULL OR sh.film_id = ?) "
                        "AND (? IS NULL OR sh.title LIKE ? OR f.title LIKE ?) "
                        "AND (? IS NULL OR sh.starts_at > ? OR (sh.starts_at = ? AND sh.id > ?)) "
                        "ORDER BY sh.starts_at, sh.id LIMIT ?",
                    sql_datetime(f.from_s), sql_datetime(f.to_s), f.cinema_id, f.cinema_id,
                    f.hall_id, f.hall_id, f.film_id, f.film_id, pattern, pattern, pattern,
                    after_time, after_time, after_time, page.after_id.value_or(0), page.limit + 1);
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  int64_t n = 0, last_id = 0, last_t = 0;
  bool more = false;
  while (rs->next()) {
    if (n == page.limit) {
      more = true;
      break;
    }
    w.begin_object();
    show_fields(w, *rs);
    w.field("hall_name", get_string(*rs, "hall_name"))
        .field("cinema_name", get_string(*rs, "cinema_name"))
        .field("city", get_string(*rs, "city"));
    w.end_object();
    last_id = rs->getInt64("id");
    last_t = rs->getInt64("starts_epoch");
    ++n;
  }
  w.end_array();
  if (more)
    w.field("next_cursor", page_cursor(last_id, last_t));
  else
    w.null_field("next_cursor");
  w.end_object();
  return w.str();
}

StatusOr<std::string> get_show(Session& s, int64_t id, const Config& cfg) {
  Rows rs = s.query(std::string(kShowSelect) + "WHERE sh.id = ?", id);
  if (!rs->next()) return not_found("No such show");
  Rows counts = s.query(
      "SELECT COUNT(*) AS total, "
      "COALESCE(SUM(status = 'FREE' OR (status = 'HELD' AND held_until < NOW(3))), 0) AS free "
      "FROM show_seats WHERE show_id = ?",
      id);
  counts->next();
  JsonWriter w;
  w.begin_object();
  show_fields(w, *rs);
  w.key("hall")
      .begin_object()
      .field("id", rs->getInt64("hall_id"))
      .field("name", get_string(*rs, "hall_name"))
      .end_object();
  w.key("cinema")
      .begin_object()
      .field("id", rs->getInt64("cinema_id"))
      .field("name", get_string(*rs, "cinema_name"))
      .field("city", get_string(*rs, "city"))
      .end_object();
  w.field("total_seats", counts->getInt64("total")).field("free_seats", counts->getInt64("free"));
  w.key("prices");
  write_prices(w, load_prices(s, id, rs->getInt64("base_price_cents"), cfg));
  w.end_object();
  return w.str();
}

StatusOr<std::string> list_films(Session& s, const std::string& title_query, const Page& page) {
  std::optional<std::string> pattern;
  if (!title_query.empty()) pattern = "%" + escape_like(title_query) + "%";
  Rows rs = s.query(std::string("SELECT ") + kFilmColumns +
                        " FROM films WHERE (? IS NULL OR title LIKE ?) AND id > ? "
                        "ORDER BY id LIMIT ?",
                    pattern, pattern, page.after_id.value_or(0), page.limit + 1);
  return id_page(*rs, page, film_fields);
}

StatusOr<std::string> get_film(Session& s, int64_t id) {
  Rows rs = s.query(std::string("SELECT ") + kFilmColumns + " FROM films WHERE id = ?", id);
  if (!rs->next()) return not_found("No such film");
  JsonWriter w;
  w.begin_object();
  film_fields(w, *rs);
  w.end_object();
  return w.str();
}

}  // namespace cinema::catalog
