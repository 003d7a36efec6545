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

std::vector<std::pair<int64_t, char>> parse_taken(const std::string& text) {
  std::vector<std::pair<int64_t, char>> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(',', i);
    if (j == std::string::npos) j = text.size();
    if (j - i >= 2) {
      char code = text[j - 1];
      int64_t id = 0;
      bool digits = true;
      for (size_t k = i; k + 1 < j; ++k) {
        if (text[k] < '0' || text[k] > '9')
          digits = false;
        else
          id = id * 10 + (text[k] - '0');
      }
      if (digits && (code == 'H' || code == 'R')) out.emplace_back(id, code);
    }
    i = j + 1;
  }
  return out;
}

TakenSeats read_taken_seats(Session& s, int64_t show_id) {
  Rows rs = s.query(
      "SELECT GROUP_CONCAT(CONCAT(seat_id, IF(status = 'HELD', 'H', 'R')) ORDER BY seat_id "
      "SEPARATOR ','), CEIL(TIMESTAMPDIFF(MICROSECOND, NOW(3), MIN(IF(status = 'HELD', "
      "held_until, NULL))) / 1000000) FROM show_seats FORCE INDEX (ix_show_seats_status) "
      "WHERE show_id = ? AND status IN ('HELD', 'RESERVED') AND "
      "(status = 'RESERVED' OR held_until > NOW(3))",
      show_id);
  TakenSeats out;
  if (!rs->next()) return out;
  if (!rs->isNull(1)) out.seats = parse_taken(rs->getString(1));
  if (!rs->isNull(2)) out.hold_ttl_s = static_cast<int>(std::max<int64_t>(1, rs->getInt64(2)));
  return out;
}

SeatLayoutCache::Entry& SeatLayoutCache::entry(int64_t show_id) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const auto& e) { return e.first == show_id; });
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxShows) entries_.clear();
    entries_.emplace_back(show_id, Entry{});
    it = entries_.end() - 1;
  }
  return it->second;
}

const SeatLayout* SeatLayoutCache::fresh(int64_t show_id, const std::vector<int64_t>& seat_ids) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const auto& e) { return e.first == show_id; });
  if (it == entries_.end() || it->second.loaded_ms == 0 ||
      steady_ms() - it->second.loaded_ms > max_age_ms_) {
    return nullptr;
  }
  const std::vector<SeatCell>& cells = it->second.layout.cells;
  for (int64_t id : seat_ids) {
    auto c = std::lower_bound(cells.begin(), cells.end(), id,
                              [](const SeatCell& cell, int64_t v) { return cell.seat_id < v; });
    if (c == cells.end() || c->seat_id != id) return nullptr;
  }
  return &it->second.layout;
}

const SeatLayout& SeatLayoutCache::reload(Session& s, int64_t show_id) {
  Entry& e = entry(show_id);
  e.layout = load_layout(s, show_id);
  e.loaded_ms = steady_ms();
  e.seat_version = -1;  // unknown here: current() checks it again
  return e.layout;
}

std::optional<SeatLayout> SeatLayoutCache::current(Session& s, int64_t show_id,
                                                   int64_t seat_version) {
  Entry& e = entry(show_id);
  const int64_t now = steady_ms();
  if (e.seat_version != seat_version || now - e.loaded_ms > max_age_ms_) {
    e.layout = load_layout(s, show_id);
    e.seat_version = seat_version;
    e.loaded_ms = now;
  }
  TakenSeats taken = read_taken_seats(s, show_id);
  SeatLayout out = e.layout;
  for (int attempt = 0;; ++attempt) {
    for (auto& c : out.cells) c.free = true;
    bool complete = true;
    for (const auto& [id, code] : taken.seats) {
      auto c = std::lower_bound(out.cells.begin(), out.cells.end(), id,
                                [](const SeatCell& cell, int64_t v) { return cell.seat_id < v; });
      if (c == out.cells.end() || c->seat_id != id) {
        complete = false;
        continue;
      }
      c->free = false;
    }
    if (complete || attempt > 0) break;
    // A taken seat the layout does not know: seats were added since it was loaded.
    e.layout = load_layout(s, show_id);
    e.loaded_ms = now;
    out = e.layout;
  }
  if (out.cells.empty()) return std::nullopt;
  return out;
}

}  // namespace cinema
