#include "admin-reads.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cinema/auth.h"
#include "cinema/booking.h"
#include "cinema/clock.h"
#include "cinema/db.h"
#include "cinema/json.h"
#include "cinema/list_query.h"
#include "cinema/ownership.h"
#include "cinema/redis.h"

namespace cinema::admin_reads {
namespace {

using Param = Session::Param;

// Who reads, and over what: an admin route sees everything; an owner route
// sees the caller's own cinemas only (an admin calling it too).
struct Scope {
  AuthUser user;
  std::optional<int64_t> owner_id;  // set on owner routes
};

StatusOr<Scope> admin_scope(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(AuthUser user, authenticate(req, ctx));
  CINEMA_RETURN_IF_ERROR(require_role(user, {"ADMIN"}));
  return Scope{user, std::nullopt};
}

StatusOr<Scope> owner_scope(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(AuthUser user, require_owner(req, ctx));
  return Scope{user, user.id};
}

// On an owner route, a cinema or show filter must name one of the caller's
// own: another owner's is a 404, as if it did not exist.
Status check_filter_owned(Session& s, const Scope& scope, std::optional<int64_t> cinema_id,
                          std::optional<int64_t> show_id) {
  if (!scope.owner_id) return Status();
  if (cinema_id) {
    Rows rs = s.query("SELECT owner_id FROM cinemas WHERE id = ?", *cinema_id);
    if (!rs->next() || rs->getInt64("owner_id") != *scope.owner_id)
      return not_found("No such cinema among yours");
  }
  if (show_id) {
    Rows rs = s.query(
        "SELECT c.owner_id FROM shows sh JOIN halls h ON h.id = sh.hall_id "
        "JOIN cinemas c ON c.id = h.cinema_id WHERE sh.id = ?",
        *show_id);
    if (!rs->next() || rs->getInt64("owner_id") != *scope.owner_id)
      return not_found("No such show among yours");
  }
  return Status();
}

Status check_window(QueryReader& q, std::optional<int64_t> from, std::optional<int64_t> to) {
  if (from && to && *from >= *to) q.fail("to", "must be after from");
  return q.status();
}

// Ids grow with time in the append-only tables (outbox, reservations), which
// have no index on their time column: a time bound becomes an id bound by
// binary search over the primary key, so a window is a key range however old
// it is. The result is the first id created at or after `epoch_s` (one more
// than the largest id when none is). Clocks may disorder rows by a few
// milliseconds, so callers widen the window by a second and filter by time too.
enum class Timeline { kOutbox, kReservations };

int64_t first_id_at(Session& s, Timeline t, int64_t epoch_s) {
  const std::string table = t == Timeline::kOutbox ? "outbox" : "reservations";
  Rows bounds = s.query("SELECT COALESCE(MIN(id), 1), COALESCE(MAX(id), 0) FROM " + table);
  bounds->next();
  int64_t lo = bounds->getInt64(1);
  int64_t hi = bounds->getInt64(2) + 1;  // answer in [lo, hi]
  const std::string at = sql_datetime(epoch_s);
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    Rows rs = s.query(
        "SELECT id, created_at >= ? AS after FROM " + table + " WHERE id >= ? ORDER BY id LIMIT 1",
        at, mid);
    if (!rs->next()) {
      hi = mid;
    } else if (rs->getInt("after") == 1) {
      hi = mid;
    } else {
      lo = rs->getInt64("id") + 1;
    }
  }
  return lo;
}

void write_raw_or_null(JsonWriter& w, std::string_view key, const std::optional<std::string>& j) {
  w.key(key);
  if (j) {
    w.raw(*j);
  } else {
    w.null();
  }
}

// ---------------------------------------------------------------- audit feed

// One entry of the feed, already rendered, with what orders it.
struct FeedEntry {
  std::string at;  // "YYYY-MM-DD HH:MM:SS.ffffff", sorts as text
  bool is_event = false;
  int64_t id = 0;
  std::string json;
};

struct FeedFilter {
  std::optional<int64_t> actor_id, entity_id, from, to;
  std::optional<std::string> entity, action;
};

// The newest `limit` entries of one source below `before` (exclusive).
std::vector<FeedEntry> feed_source(Session& s, bool events, const FeedFilter& f, int64_t before,
                                   int64_t limit) {
  std::vector<FeedEntry> out;
  if (before <= 1) return out;
  std::string sql;
  std::vector<Param> p;
  if (events) {
    sql =
        "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') AS at_key, created_at, "
        "actor_id, COALESCE(actor_role, 'SYSTEM') AS actor_role, event_type AS action, "
        "aggregate_type AS entity, aggregate_id AS entity_id, request_id, NULL AS before_json, "
        "JSON_EXTRACT(payload, '$.data') AS after_json FROM outbox WHERE id < ?";
  } else {
    sql =
        "SELECT id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') AS at_key, created_at, "
        "actor_id, actor_role, action, entity_type AS entity, entity_id, request_id, "
        "IF(JSON_VALID(before_json), before_json, NULL) AS before_json, "
        "IF(JSON_VALID(after_json), after_json, NULL) AS after_json FROM audit_log WHERE id < ?";
  }
  p.emplace_back(before);
  const char* entity_col = events ? "aggregate_type" : "entity_type";
  const char* entity_id_col = events ? "aggregate_id" : "entity_id";
  const char* action_col = events ? "event_type" : "action";
  if (f.actor_id) {
    sql += " AND actor_id = ?";
    p.emplace_back(*f.actor_id);
  }
  if (f.entity) {
    sql += std::string(" AND ") + entity_col + " = ?";
    p.emplace_back(*f.entity);
  }
  if (f.entity_id) {
    sql += std::string(" AND ") + entity_id_col + " = ?";
    p.emplace_back(*f.entity_id);
  }
  if (f.action) {
    sql += std::string(" AND ") + action_col + " = ?";
    p.emplace_back(*f.action);
  }
  if (f.from) {
    if (events) {
      sql += " AND id >= ?";
      p.emplace_back(first_id_at(s, Timeline::kOutbox, *f.from - 1));
    }
    sql += " AND created_at >= ?";
    p.emplace_back(sql_datetime(*f.from));
  }
  if (f.to) {
    if (events) {
      sql += " AND id < ?";
      p.emplace_back(first_id_at(s, Timeline::kOutbox, *f.to + 1));
    }
    sql += " AND created_at < ?";
    p.emplace_back(sql_datetime(*f.to));
  }
  sql += " ORDER BY id DESC LIMIT ?";
  p.emplace_back(limit);
  Rows rs = s.query_list(sql, p);
  while (rs->next()) {
    FeedEntry e;
    e.is_event = events;
    e.id = rs->getInt64("id");
    e.at = get_string(*rs, "at_key");
    JsonWriter w;
    w.begin_object()
        .field("id", std::string(events ? "event:" : "audit:") + std::to_string(e.id))
        .field("at", sql_time_to_rfc3339(get_string(*rs, "created_at")))
        .field("actor_id", opt_int64(*rs, "actor_id"))
        .field("actor_role", opt_string(*rs, "actor_role"))
        .field("action", get_string(*rs, "action"))
        .field("entity", get_string(*rs, "entity"))
        .field("entity_id", opt_int64(*rs, "entity_id"))
        .field("request_id", opt_string(*rs, "request_id"));
    write_raw_or_null(w, "before", opt_string(*rs, "before_json"));
    write_raw_or_null(w, "after", opt_string(*rs, "after_json"));
    w.end_object();
    e.json = w.str();
    out.push_back(std::move(e));
  }
  return out;
}

// GET /v1/admin/audit-logs: the trail is two sources, events (outbox) and
// catalogue changes (audit_log), each walked newest first on its own key and
// merged by time. The cursor holds each source's position, so a page never
// repeats or skips an entry, whichever source it came from.
Response audit_logs(const Request& req, Context& ctx) {
  CINEMA_RETURN_IF_ERROR(admin_scope(req, ctx));
  QueryReader q(req);
  FeedFilter f;
  f.actor_id = q.id("actor_id");
  f.entity = q.token("entity", 32);
  f.entity_id = q.id("entity_id");
  f.action = q.token("action", 64);
  f.from = q.time("from");
  f.to = q.time("to");
  const int64_t limit = q.limit();
  auto cursor = q.cursor({"events_before", "audit_before"});
  CINEMA_RETURN_IF_ERROR(check_window(q, f.from, f.to));
  constexpr int64_t kEnd = INT64_MAX;
  int64_t events_before = cursor ? cursor->at("events_before") : kEnd;
  int64_t audit_before = cursor ? cursor->at("audit_before") : kEnd;

  std::string body = ctx.db().autocommit([&](Session& s) {
    auto events = feed_source(s, true, f, events_before, limit + 1);
    auto audits = feed_source(s, false, f, audit_before, limit + 1);
    JsonWriter w;
    w.begin_object().key("items").begin_array();
    size_t ei = 0, ai = 0;
    for (int64_t n = 0; n < limit && (ei < events.size() || ai < audits.size()); ++n) {
      bool take_event =
          ai >= audits.size() || (ei < events.size() && events[ei].at >= audits[ai].at);
      const FeedEntry& e = take_event ? events[ei++] : audits[ai++];
      w.raw(e.json);
      (take_event ? events_before : audit_before) = e.id;
    }
    w.end_array();
    if (ei < events.size() || ai < audits.size()) {
      // A source with nothing left below its position is closed with 1.
      if (ei >= events.size() && events.size() <= static_cast<size_t>(limit)) events_before = 1;
      if (ai >= audits.size() && audits.size() <= static_cast<size_t>(limit)) audit_before = 1;
      w.field("next_cursor",
              make_cursor({{"events_before", events_before}, {"audit_before", audit_before}}));
    } else {
      w.null_field("next_cursor");
    }
    w.end_object();
    return w.str();
  });
  return Response::json(200, body).with_header("Cache-Control", "no-store");
}

// ---------------------------------------------------------------- bookings

Response bookings(const Request& req, Context& ctx, const Scope& scope) {
  QueryReader q(req);
  auto show_id = q.id("show_id");
  auto cinema_id = q.id("cinema_id");
  auto user_id = q.id("user_id");
  auto status = q.one_of("status", {"CONFIRMED", "CANCELLED"});
  auto source = q.one_of("source", {"DIRECT", "WAITLIST"});
  auto from = q.time("from");
  auto to = q.time("to");
  const int64_t limit = q.limit();
  auto cursor = q.cursor({"before_id"});
  CINEMA_RETURN_IF_ERROR(check_window(q, from, to));

  auto body = ctx.db().autocommit([&](Session& s) -> StatusOr<std::string> {
    CINEMA_RETURN_IF_ERROR(check_filter_owned(s, scope, cinema_id, show_id));
    std::string sql =
        // STRAIGHT_JOIN: walk the reservations newest first (the primary key,
        // or the user's or show's index) and stop at the page; left alone,
        // the optimizer starts from the few cinemas and sorts every
        // reservation.
        "SELECT STRAIGHT_JOIN r.id, r.show_id, r.user_id, u.email, sh.title, sh.starts_at, "
        "c.id AS cinema_id, c.name AS cinema_name FROM reservations r "
        "JOIN shows sh ON sh.id = r.show_id JOIN halls h ON h.id = sh.hall_id "
        "JOIN cinemas c ON c.id = h.cinema_id JOIN users u ON u.id = r.user_id WHERE r.id < ?";
    std::vector<Param> p{cursor ? cursor->at("before_id") : INT64_MAX};
    auto add = [&](const char* cond, Param v) {
      sql += cond;
      p.push_back(std::move(v));
    };
    if (show_id) add(" AND r.show_id = ?", *show_id);
    if (user_id) add(" AND r.user_id = ?", *user_id);
    if (cinema_id) add(" AND c.id = ?", *cinema_id);
    if (scope.owner_id) add(" AND c.owner_id = ?", *scope.owner_id);
    if (status) add(" AND r.status = ?", *status);
    if (source) add(" AND r.source = ?", *source);
    if (from) {
      add(" AND r.id >= ?", first_id_at(s, Timeline::kReservations, *from - 1));
      add(" AND r.created_at >= ?", sql_datetime(*from));
    }
    if (to) {
      add(" AND r.id < ?", first_id_at(s, Timeline::kReservations, *to + 1));
      add(" AND r.created_at < ?", sql_datetime(*to));
    }
    sql += " ORDER BY r.id DESC LIMIT ?";
    p.emplace_back(limit + 1);

    std::vector<int64_t> ids;
    std::vector<std::string> extras;
    Rows rows = s.query_list(sql, p);
    const bool more = read_page(*rows, limit, [&](sql::ResultSet& row) {
      ids.push_back(row.getInt64("id"));
      // What the reservation's own JSON lacks: where and who, as members
      // appended to it below.
      JsonWriter w;
      w.begin_object()
          .key("show")
          .begin_object()
          .field("id", row.getInt64("show_id"))
          .field("title", get_string(row, "title"))
          .field("starts_at", sql_time_to_rfc3339(get_string(row, "starts_at")))
          .end_object()
          .key("cinema")
          .begin_object()
          .field("id", row.getInt64("cinema_id"))
          .field("name", get_string(row, "cinema_name"))
          .end_object()
          .key("user")
          .begin_object()
          .field("id", row.getInt64("user_id"))
          .field("email", get_string(row, "email"))
          .end_object()
          .end_object();
      extras.push_back(w.str());
    });
    std::vector<std::string> items = reservations_json(s, ids);
    JsonWriter w;
    w.begin_object().key("items").begin_array();
    for (size_t i = 0; i < items.size() && i < extras.size(); ++i) {
      std::string item = std::move(items[i]);
      item.pop_back();  // '}'
      w.raw(item + "," + extras[i].substr(1));
    }
    w.end_array();
    write_next_cursor(w, more, {{"before_id", more ? ids.back() : 0}});
    w.end_object();
    return w.str();
  });
  CINEMA_RETURN_IF_ERROR(body);
  return Response::json(200, *body).with_header("Cache-Control", "no-store");
}

Response admin_bookings(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(Scope scope, admin_scope(req, ctx));
  return bookings(req, ctx, scope);
}

Response owner_bookings(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(Scope scope, owner_scope(req, ctx));
  return bookings(req, ctx, scope);
}

// ---------------------------------------------------------------- statistics

// Figures of one show, filled by the grouped queries below.
struct ShowFigures {
  std::string head;  // id, title, times, cinema: an open JSON object
  int64_t seats = 0, sold = 0, held = 0;
  std::map<std::string, int64_t> revenue;  // currency -> cents
  int64_t reservations = 0, cancellations = 0;
  int64_t holds_placed = 0, holds_confirmed = 0;
  int64_t wl_joins = 0, wl_assigned = 0, wl_expired = 0, wl_waiting = 0;
};

std::string json_ids(const std::vector<int64_t>& ids) {
  JsonWriter w;
  w.begin_array();
  for (int64_t id : ids) w.value(id);
  w.end_array();
  return w.str();
}

// Per-show figures for the page's shows: one grouped query per table, each
// reading only those shows' rows through an index that starts with show_id.
void fill_show_figures(Session& s, const std::vector<int64_t>& ids,
                       std::map<int64_t, ShowFigures>& figs) {
  const std::string list = json_ids(ids);
  const std::string shows = "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j";
  Rows rs = s.query(
      "SELECT ss.show_id, ss.status, COUNT(*) AS n, "
      "SUM(ss.status = 'HELD' AND ss.held_until > NOW(3)) AS live FROM " +
          shows + " JOIN show_seats ss ON ss.show_id = j.id GROUP BY ss.show_id, ss.status",
      list);
  while (rs->next()) {
    ShowFigures& f = figs[rs->getInt64("show_id")];
    const std::string st = get_string(*rs, "status");
    f.seats += rs->getInt64("n");
    if (st == "RESERVED") f.sold += rs->getInt64("n");
    if (st == "HELD") f.held += rs->getInt64("live");
  }
  rs = s.query(
      "SELECT r.show_id, r.status, r.currency, COUNT(*) AS n, SUM(r.total_cents) AS cents, "
      "SUM(r.hold_id IS NOT NULL) AS from_holds FROM " +
          shows +
          " JOIN reservations r ON r.show_id = j.id GROUP BY r.show_id, r.status, "
          "r.currency",
      list);
  while (rs->next()) {
    ShowFigures& f = figs[rs->getInt64("show_id")];
    f.reservations += rs->getInt64("n");
    f.holds_confirmed += rs->getInt64("from_holds");
    if (get_string(*rs, "status") == "CANCELLED") {
      f.cancellations += rs->getInt64("n");
    } else {
      f.revenue[get_string(*rs, "currency")] += rs->getInt64("cents");
    }
  }
  // Holds placed: counted on the index that starts with show_id, without
  // reading the rows (a hot show has tens of thousands); a confirmed hold is
  // a reservation made from one, counted above.
  rs = s.query("SELECT h.show_id, COUNT(*) AS placed FROM " + shows +
                   " JOIN holds h FORCE INDEX (uq_holds_active) ON h.show_id = j.id "
                   "GROUP BY h.show_id",
               list);
  while (rs->next()) figs[rs->getInt64("show_id")].holds_placed = rs->getInt64("placed");
  rs = s.query(
      "SELECT w.show_id, COUNT(*) AS joins, SUM(w.status = 'ASSIGNED') AS assigned, "
      "SUM(w.status = 'EXPIRED') AS expired, "
      "SUM(w.status IN ('WAITING', 'OFFERED')) AS waiting FROM " +
          shows + " JOIN waitlist_entries w ON w.show_id = j.id GROUP BY w.show_id",
      list);
  while (rs->next()) {
    ShowFigures& f = figs[rs->getInt64("show_id")];
    f.wl_joins = rs->getInt64("joins");
    f.wl_assigned = rs->getInt64("assigned");
    f.wl_expired = rs->getInt64("expired");
    f.wl_waiting = rs->getInt64("waiting");
  }
}

void write_money(JsonWriter& w, std::string_view key, const std::map<std::string, int64_t>& m) {
  w.key(key).begin_object();
  for (const auto& [currency, cents] : m) w.field(currency, cents);
  w.end_object();
}

void write_show(JsonWriter& w, const ShowFigures& f) {
  std::string head = f.head;
  head.pop_back();
  JsonWriter tail;
  tail.begin_object()
      .field("seats", f.seats)
      .field("sold", f.sold)
      .field("held", f.held)
      .field("free", f.seats - f.sold - f.held)
      .field("occupancy_pct",
             f.seats > 0 ? static_cast<double>(f.sold * 1000 / f.seats) / 10.0 : 0.0);
  write_money(tail, "revenue_cents", f.revenue);
  tail.field("reservations", f.reservations)
      .field("cancellations", f.cancellations)
      .key("holds")
      .begin_object()
      .field("placed", f.holds_placed)
      .field("confirmed", f.holds_confirmed)
      .end_object()
      .key("waitlist")
      .begin_object()
      .field("joins", f.wl_joins)
      .field("assigned", f.wl_assigned)
      .field("expired", f.wl_expired)
      .field("waiting", f.wl_waiting)
      .end_object()
      .end_object();
  std::string t = tail.str();
  w.raw(head + "," + t.substr(1));
}

constexpr int64_t kDay = 24 * 3600;
constexpr int64_t kMaxWindow = 366 * kDay;
// How long sales per day are reused for the same scope and window.
constexpr int kDaysCacheSeconds = 60;

// GET .../stats?from=&to=&cinema_id=&limit=&cursor=: `shows` are the shows
// starting in [from, to) (default: the last 30 days and the next 30), by
// start time, paginated; `days` are sales per UTC day of the reservations
// made in [from, to) and still confirmed, with their tickets; `totals` add
// the days up.
Response stats(const Request& req, Context& ctx, const Scope& scope) {
  QueryReader q(req);
  auto from = q.time("from");
  auto to = q.time("to");
  auto cinema_id = q.id("cinema_id");
  const int64_t limit = q.limit();
  auto cursor = q.cursor({"after_start", "after_id"});
  CINEMA_RETURN_IF_ERROR(check_window(q, from, to));
  // The default window moves by the minute, so its cached days are reused.
  const int64_t now = ctx.clock().now_s() / 60 * 60;
  const int64_t start = from.value_or(to ? *to - 60 * kDay : now - 30 * kDay);
  const int64_t end = to.value_or(start + 60 * kDay);
  if (end - start > kMaxWindow) {
    return Response::problem(
        bad_request("The window is at most 366 days", {{"to", "must be within 366 days of from"}}));
  }

  auto body = ctx.db().autocommit([&](Session& s) -> StatusOr<std::string> {
    CINEMA_RETURN_IF_ERROR(check_filter_owned(s, scope, cinema_id, std::nullopt));
    std::string scope_sql;
    std::vector<Param> scope_p;
    if (cinema_id) {
      scope_sql += " AND c.id = ?";
      scope_p.emplace_back(*cinema_id);
    }
    if (scope.owner_id) {
      scope_sql += " AND c.owner_id = ?";
      scope_p.emplace_back(*scope.owner_id);
    }

    // The page of shows, by (starts_at, id) through ix_shows_time.
    std::string sql =
        "SELECT STRAIGHT_JOIN sh.id, sh.title, sh.starts_at, sh.status, "
        "UNIX_TIMESTAMP(sh.starts_at) AS start_s, c.id AS cinema_id, c.name AS cinema_name "
        "FROM shows sh FORCE INDEX (ix_shows_time) "
        "JOIN halls h ON h.id = sh.hall_id JOIN cinemas c ON c.id = h.cinema_id "
        "WHERE sh.starts_at >= ? AND sh.starts_at < ?" +
        scope_sql;
    std::vector<Param> p{sql_datetime(start), sql_datetime(end)};
    p.insert(p.end(), scope_p.begin(), scope_p.end());
    if (cursor) {
      sql += " AND (sh.starts_at > ? OR (sh.starts_at = ? AND sh.id > ?))";
      const std::string after = sql_datetime(cursor->at("after_start"));
      p.emplace_back(after);
      p.emplace_back(after);
      p.emplace_back(cursor->at("after_id"));
    }
    sql += " ORDER BY sh.starts_at, sh.id LIMIT ?";
    p.emplace_back(limit + 1);
    std::vector<int64_t> ids;
    std::map<int64_t, ShowFigures> figs;
    int64_t last_start = 0;
    Rows rows = s.query_list(sql, p);
    const bool more = read_page(*rows, limit, [&](sql::ResultSet& row) {
      const int64_t id = row.getInt64("id");
      ids.push_back(id);
      last_start = row.getInt64("start_s");
      JsonWriter w;
      w.begin_object()
          .field("show_id", id)
          .field("title", get_string(row, "title"))
          .field("starts_at", sql_time_to_rfc3339(get_string(row, "starts_at")))
          .field("status", get_string(row, "status"))
          .field("cinema_id", row.getInt64("cinema_id"))
          .field("cinema_name", get_string(row, "cinema_name"))
          .end_object();
      figs[id].head = w.str();
    });
    if (!ids.empty()) fill_show_figures(s, ids, figs);

    // Sales per day: the reservations made in the window, read from the
    // covering index on (created_at, status, currency, total_cents, show_id)
    // (migration 0013); the tickets are a lookup per reservation on
    // reservation_seats' primary key. The cost grows with the reservations in
    // the window, so the result is cached for kDaysCacheSeconds.
    std::string days_json;
    const std::string cache_key = "stats:days:" + std::to_string(scope.owner_id.value_or(0)) + ":" +
                                  std::to_string(cinema_id.value_or(0)) + ":" +
                                  std::to_string(start) + ":" + std::to_string(end);
    if (auto hit = ctx.redis().command({"GET", cache_key});
        hit && hit->kind == RedisValue::Kind::kString) {
      days_json = hit->str;
    } else {
      std::string day_sql =
          "SELECT STRAIGHT_JOIN DATE_FORMAT(r.created_at, '%Y-%m-%d') AS day, r.currency, "
          "COUNT(*) AS n, SUM(r.total_cents) AS cents, SUM((SELECT COUNT(*) FROM "
          "reservation_seats rs WHERE rs.reservation_id = r.id)) AS tickets "
          "FROM reservations r FORCE INDEX (ix_reservations_created)";
      if (!scope_sql.empty()) {
        day_sql +=
            " JOIN shows sh ON sh.id = r.show_id JOIN halls h ON h.id = sh.hall_id "
            "JOIN cinemas c ON c.id = h.cinema_id";
      }
      day_sql += " WHERE r.created_at >= ? AND r.created_at < ? AND r.status = 'CONFIRMED'" +
                 scope_sql + " GROUP BY day, r.currency ORDER BY day, r.currency";
      std::vector<Param> dp{sql_datetime(start), sql_datetime(end)};
      dp.insert(dp.end(), scope_p.begin(), scope_p.end());
      Rows days = s.query_list(day_sql, dp);
      std::map<std::string, int64_t> total_revenue;
      int64_t total_tickets = 0, total_reservations = 0;
      JsonWriter d;
      d.begin_object().key("days").begin_array();
      while (days->next()) {
        const std::string currency = get_string(*days, "currency");
        d.begin_object()
            .field("day", get_string(*days, "day"))
            .field("currency", currency)
            .field("revenue_cents", days->getInt64("cents"))
            .field("reservations", days->getInt64("n"))
            .field("tickets", days->getInt64("tickets"))
            .end_object();
        total_revenue[currency] += days->getInt64("cents");
        total_tickets += days->getInt64("tickets");
        total_reservations += days->getInt64("n");
      }
      d.end_array().key("totals").begin_object();
      write_money(d, "revenue_cents", total_revenue);
      d.field("reservations", total_reservations).field("tickets", total_tickets).end_object();
      d.end_object();
      days_json = d.str();
      ctx.redis().command({"SET", cache_key, days_json, "EX", std::to_string(kDaysCacheSeconds)});
    }

    JsonWriter w;
    w.begin_object()
        .field("from", format_rfc3339(start))
        .field("to", format_rfc3339(end))
        .key("shows")
        .begin_array();
    for (int64_t id : ids) write_show(w, figs[id]);
    w.end_array();
    write_next_cursor(w, more, {{"after_start", last_start}, {"after_id", more ? ids.back() : 0}});
    // The days and totals: members of the cached object, appended.
    std::string out = w.str();
    return out + "," + days_json.substr(1);
  });
  CINEMA_RETURN_IF_ERROR(body);
  return Response::json(200, *body).with_header("Cache-Control", "private, max-age=10");
}

Response admin_stats(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(Scope scope, admin_scope(req, ctx));
  return stats(req, ctx, scope);
}

Response owner_stats(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(Scope scope, owner_scope(req, ctx));
  return stats(req, ctx, scope);
}

}  // namespace

const Router& router() {
  static const Router r{
      {"GET", "/v1/admin/audit-logs", audit_logs},   {"GET", "/v1/admin/bookings", admin_bookings},
      {"GET", "/v1/owner/bookings", owner_bookings}, {"GET", "/v1/admin/stats", admin_stats},
      {"GET", "/v1/owner/stats", owner_stats},
  };
  return r;
}

}  // namespace cinema::admin_reads
