// A show's seats split in two: the layout (grid positions and types), which
// seat changes never touch and a process keeps in memory, and the states,
// read as one compact row listing only the taken seats (through the
// (show_id, status) index: a nearly empty show costs almost nothing, a
// nearly full one a walk of its taken seats). Best available and the seat
// map use both instead of reading every seat of the show per request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinema/db.h"
#include "cinema/seat_picker.h"

namespace cinema {

// The seats that are not free, in seat_id order: 'H' held (a live hold; an
// expired one counts as free) or 'R' reserved. Every other seat is free.
struct TakenSeats {
  std::vector<std::pair<int64_t, char>> seats;
  int hold_ttl_s = -1;  // seconds until the earliest live hold expires; -1: none
};
TakenSeats read_taken_seats(Session& s, int64_t show_id);
// "12H,15R" (GROUP_CONCAT's text) -> pairs; malformed items are skipped.
std::vector<std::pair<int64_t, char>> parse_taken(const std::string& text);

// The show's seats in seat_id order with grid positions and types (free is
// false in the cached copy), and the hall's grid size.
struct SeatLayout {
  std::vector<SeatCell> cells;
  int rows = 1;
  int cols = 1;
};

// Per-process layouts, reloaded when the show's seat_version moves, after
// max_age_ms (a seat type edited since), or when a taken seat is not in it.
class SeatLayoutCache {
 public:
  explicit SeatLayoutCache(int64_t max_age_ms = 30'000) : max_age_ms_(max_age_ms) {}
  // The layout with `free` set from a fresh read of the states; nullopt when
  // the show has no seats.
  std::optional<SeatLayout> current(Session& s, int64_t show_id, int64_t seat_version);
  // The layout alone (`free` false) from memory, without a database read,
  // when it is younger than max_age_ms and knows every seat of `seat_ids`;
  // nullptr otherwise (then reload()). Valid until the next call.
  const SeatLayout* fresh(int64_t show_id, const std::vector<int64_t>& seat_ids);
  // Reads the layout again and keeps it.
  const SeatLayout& reload(Session& s, int64_t show_id);

 private:
  struct Entry {
    SeatLayout layout;
    int64_t seat_version = -1;
    int64_t loaded_ms = 0;
  };
  int64_t max_age_ms_;
  Entry& entry(int64_t show_id);
  std::vector<std::pair<int64_t, Entry>> entries_;  // few shows per process at once
};

}  // namespace cinema
