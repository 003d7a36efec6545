#include "seatmap.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "cinema/cache.h"
#include "cinema/crypto.h"
#include "cinema/gzip.h"
#include "cinema/json.h"
#include "cinema/seat_state.h"

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
  // A digest of the content: the layout's digest, the version and the states (a
  // few KB to hash instead of the whole body).
  std::string digest;
  int ttl_s = kMaxTtlS;  // until the earliest live hold expires
};

// A map as this process keeps it.
struct Local {
  std::string version;
  std::string etag;
  std::string gzip_body;
  std::string plain_body;  // filled on first use by a client without gzip
  int64_t expires_ms = 0;  // steady clock
  int64_t arrived_ms = 0;  // when this process got this version (steady clock)
};

// A map whose previous version lived under a second is churning (an on-sale
// rush bumps it with every hold): compress fast, as it will soon be replaced.
constexpr int64_t kChurnMs = 1000;
constexpr int kChurnGzipLevel = 1;

std::unordered_map<int64_t, Local>& local_maps() {
  static std::unordered_map<int64_t, Local> maps;
  return maps;
}

// The parts of a show's map that seat changes never touch, in grid order:
// per seat the JSON before its status and after it. Kept per process and
// reloaded when the show's seat_version (prices, currency) moves, or after
// kMaxTtlS like any cached map (a seat type edited since). A render then reads
// only (seat_id, status) from show_seats by primary key: about a fifth of the
// MariaDB CPU of joining seats and sorting every time, which matters while an
// on-sale rush changes the version with every hold.
struct Layout {
  int64_t seat_version = -1;
  std::string currency;
  int64_t loaded_ms = 0;
  std::vector<std::string> head;   // {"seat_id":..,"row":..,..,"type":..,"status":
  std::vector<std::string> tail;   // ,"price_cents":..}
  std::string digest;              // of every part but the states, and the currency
  std::vector<int64_t> seat_ids;   // sorted
  std::vector<size_t> by_seat_id;  // the position of seat_ids[i]
};

std::unordered_map<int64_t, Layout>& layouts() {
  static std::unordered_map<int64_t, Layout> all;
  return all;
}

void load_layout(Session& s, int64_t show_id, Layout& l) {
  Rows rs = s.query(
      "SELECT ss.seat_id, se.row_label, se.number, se.grid_row, se.grid_col, se.seat_type, "
      "ss.price_cents FROM show_seats ss JOIN seats se ON se.id = ss.seat_id "
      "WHERE ss.show_id = ? ORDER BY se.grid_row, se.grid_col",
      show_id);
  l.head.clear();
  l.tail.clear();
  std::vector<std::pair<int64_t, size_t>> ids;
  while (rs->next()) {
    int64_t seat_id = rs->getInt64(1);
    JsonWriter w;
    w.begin_object()
        .field("seat_id", seat_id)
        .field("row", std::string(rs->getString(2)))
        .field("number", rs->getInt64(3))
        .field("grid_row", rs->getInt64(4))
        .field("grid_col", rs->getInt64(5))
        .field("type", std::string(rs->getString(6)))
        .key("status");
    ids.emplace_back(seat_id, l.head.size());
    l.head.push_back(w.str() + ":");  // the writer adds the colon with the value
    l.tail.push_back(",\"price_cents\":" + std::to_string(rs->getInt64(7)) + "}");
  }
  std::string all;
  for (size_t i = 0; i < l.head.size(); ++i) all += l.head[i] + l.tail[i];
  l.digest = sha256_hex(all);
  std::sort(ids.begin(), ids.end());
  l.seat_ids.clear();
  l.by_seat_id.clear();
  for (const auto& [id, pos] : ids) {
    l.seat_ids.push_back(id);
    l.by_seat_id.push_back(pos);
  }
}

const char* status_json(char code) {
  if (code == 'H') return "\"HELD\"";
  if (code == 'R') return "\"RESERVED\"";
  return "\"FREE\"";
}

std::optional<Rendered> render(Context& ctx, int64_t show_id, const std::string& version) {
  return ctx.db().autocommit([&](Session& s) -> std::optional<Rendered> {
    Rows show = s.query("SELECT currency, seat_version, status FROM shows WHERE id = ?", show_id);
    if (!show->next()) return std::nullopt;
    std::string currency = show->getString(1);
    int64_t seat_version = show->getInt64(2);
    std::string show_status = show->getString(3);
    auto& all = layouts();
    if (all.size() >= kMaxLocalShows && all.find(show_id) == all.end()) all.clear();
    Layout& l = all[show_id];
    int64_t now = steady_ms();
    if (l.seat_version != seat_version || l.currency != currency ||
        now - l.loaded_ms > int64_t{kMaxTtlS} * 1000) {
      load_layout(s, show_id, l);
      l.seat_version = seat_version;
      l.currency = currency;
      l.loaded_ms = now;
    }
    if (l.head.empty()) return std::nullopt;
    // The taken seats as one compact row (cinema/seat_state.h), every other
    // seat FREE (an expired hold too); a live hold bounds how long this map
    // may be cached.
    Rendered out;
    std::vector<const char*> status;
    TakenSeats taken = read_taken_seats(s, show_id);
    out.ttl_s = taken.hold_ttl_s > 0 ? std::min(kMaxTtlS, taken.hold_ttl_s) : kMaxTtlS;
    for (int attempt = 0;; ++attempt) {
      status.assign(l.head.size(), status_json('F'));
      bool complete = true;
      for (const auto& [id, code] : taken.seats) {
        auto it = std::lower_bound(l.seat_ids.begin(), l.seat_ids.end(), id);
        if (it == l.seat_ids.end() || *it != id) {
          complete = false;
          continue;
        }
        status[l.by_seat_id[static_cast<size_t>(it - l.seat_ids.begin())]] = status_json(code);
      }
      if (complete) break;
      // A taken seat the layout does not know (seats added since it was
      // loaded): reload once.
      if (attempt > 0) {
        l.seat_version = -1;
        throw std::runtime_error("seat map layout of show " + std::to_string(show_id) +
                                 " does not match its seats");
      }
      load_layout(s, show_id, l);
      l.loaded_ms = now;
    }
    std::string states(status.size(), 'F');
    for (size_t i = 0; i < status.size(); ++i) states[i] = status[i][1];  // "HELD" -> 'H'
    out.digest =
        sha256_hex(l.digest + "|" + currency + "|" + show_status + "|" + version + "|" + states);
    JsonWriter w;
    w.begin_object()
        .field("show_id", show_id)
        .field("version", version)
        .field("currency", currency)
        .field("show_status", show_status)  // SCHEDULED | CANCELLED
        .key("seats")
        .begin_array()
        .end_array()
        .end_object();
    std::string frame = w.str();  // {...,"seats":[]}
    std::string body;
    body.reserve(frame.size() + l.head.size() * 128);
    body.append(frame, 0, frame.size() - 2);  // up to and including '['
    for (size_t i = 0; i < l.head.size(); ++i) {
      if (i > 0) body += ',';
      body += l.head[i];
      body += status[i];
      body += l.tail[i];
    }
    body += "]}";
    out.body = std::move(body);
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
  CINEMA_RETURN_IF_ERROR(id);
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
      l = Local{*version, entry->etag, std::move(entry->gzip_body), "", now + entry->ttl_ms, now};
      return respond(req, l, "HIT");
    }
  }
  // Rendered under the version read *before* the query: a change committed
  // meanwhile has bumped the version, so this entry is never served after it.
  std::string v = version.value_or("0");
  auto rendered = render(ctx, *id, v);
  if (!rendered) return Response::problem(not_found("No such show"));
  auto prev = maps.find(*id);
  bool churning = prev != maps.end() && now - prev->second.arrived_ms < kChurnMs;
  Local fresh{v,
              "W/\"" + std::to_string(*id) + "-" + rendered->digest.substr(0, 16) + "\"",
              gzip_compress(rendered->body, churning ? kChurnGzipLevel : kGzipLevel),
              std::move(rendered->body),
              now + rendered->ttl_s * 1000,
              now};
  if (!version) return respond(req, fresh, "BYPASS");  // Redis down: no caching at all
  cache.put(*id, v, {fresh.etag, fresh.gzip_body, 0}, rendered->ttl_s);
  if (maps.size() >= kMaxLocalShows) maps.clear();
  Local& l = maps[*id];
  l = std::move(fresh);
  return respond(req, l, "MISS");
}

}  // namespace

const Router& router() {
  static const Router r{
      {"GET", "/v1/shows/{id}/seats", seat_map},
  };
  return r;
}

}  // namespace cinema::seatmap
