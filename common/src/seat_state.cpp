#include "cinema/seat_state.h"

#include <algorithm>
#include <chrono>

namespace cinema {
namespace {

constexpr size_t kMaxShows = 64;

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

SeatLayout load_layout(Session& s, int64_t show_id) {
  SeatLayout l;
  Rows hall = s.query(
      "SELECT h.rows_count, h.cols_count FROM shows sh JOIN halls h ON h.id = sh.hall_id "
      "WHERE sh.id = ?",
      show_id);
  if (hall->next()) {
    l.rows = hall->getInt(1);
    l.cols = hall->getInt(2);
  }
  Rows rs = s.query(
      "SELECT ss.seat_id, se.grid_row, se.grid_col, se.seat_type FROM show_seats ss "
      "JOIN seats se ON se.id = ss.seat_id WHERE ss.show_id = ? ORDER BY ss.seat_id",
      show_id);
  while (rs->next()) {
    l.cells.push_back({rs->getInt64(1), rs->getInt(2), rs->getInt(3), rs->getString(4), false});
  }
  return l;
}

}  // namespace

SeatCodes read_seat_codes(Session& s, int64_t show_id) {
  // One row: the server walks the show's seats by primary key, the client
  // decodes a string instead of a row per seat.
  Rows rs = s.query(
      "SELECT GROUP_CONCAT(CASE WHEN status = 'FREE' OR (status = 'HELD' AND held_until <= "
      "NOW(3)) THEN 'F' WHEN status = 'HELD' THEN 'H' ELSE 'R' END ORDER BY seat_id SEPARATOR ''), "
      "CEIL(TIMESTAMPDIFF(MICROSECOND, NOW(3), MIN(IF(status = 'HELD' AND held_until > NOW(3), "
      "held_until, NULL))) / 1000000) FROM show_seats WHERE show_id = ?",
      show_id);
  SeatCodes out;
  if (!rs->next()) return out;
  if (!rs->isNull(1)) out.codes = rs->getString(1);
  if (!rs->isNull(2)) out.hold_ttl_s = static_cast<int>(std::max<int64_t>(1, rs->getInt64(2)));
  return out;
}

std::optional<SeatLayout> SeatLayoutCache::current(Session& s, int64_t show_id,
                                                   int64_t seat_version) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const auto& e) { return e.first == show_id; });
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxShows) entries_.clear();
    entries_.emplace_back(show_id, Entry{});
    it = entries_.end() - 1;
  }
  Entry& e = it->second;
  const int64_t now = steady_ms();
  SeatCodes codes = read_seat_codes(s, show_id);
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool stale = e.seat_version != seat_version || now - e.loaded_ms > max_age_ms_ ||
                 e.layout.cells.size() != codes.codes.size();
    if (!stale) break;
    e.layout = load_layout(s, show_id);
    e.seat_version = seat_version;
    e.loaded_ms = now;
    // A seat added or removed between the two reads: read the states again.
    if (e.layout.cells.size() != codes.codes.size()) codes = read_seat_codes(s, show_id);
  }
  if (e.layout.cells.empty() || e.layout.cells.size() != codes.codes.size()) return std::nullopt;
  SeatLayout out = e.layout;
  for (size_t i = 0; i < out.cells.size(); ++i) out.cells[i].free = codes.codes[i] == 'F';
  return out;
}

}  // namespace cinema
