// A show's seats split in two: the layout (grid positions and types), which
// seat changes never touch and a process keeps in memory, and the states,
// read as one compact row (a character per seat) instead of a row per seat.
// Best available and the waiting list pick from both without reading the
// show's seats row by row on every request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinema/db.h"
#include "cinema/seat_picker.h"

namespace cinema {

// States in seat_id order: 'F' free (an expired hold counts as free), 'H'
// held, 'R' reserved.
struct SeatCodes {
  std::string codes;
  int hold_ttl_s = -1;  // seconds until the earliest live hold expires; -1: none
};
SeatCodes read_seat_codes(Session& s, int64_t show_id);

// The show's seats in seat_id order with grid positions and types (free is
// false in the cached copy), and the hall's grid size.
struct SeatLayout {
  std::vector<SeatCell> cells;
  int rows = 1;
  int cols = 1;
};

// Per-process layouts, reloaded when the show's seat_version moves, after
// max_age_ms (a seat type edited since), or when `codes` no longer match.
class SeatLayoutCache {
 public:
  explicit SeatLayoutCache(int64_t max_age_ms = 30'000) : max_age_ms_(max_age_ms) {}
  // The layout with `free` set from a fresh read of the states; nullopt when
  // the show has no seats.
  std::optional<SeatLayout> current(Session& s, int64_t show_id, int64_t seat_version);

 private:
  struct Entry {
    SeatLayout layout;
    int64_t seat_version = -1;
    int64_t loaded_ms = 0;
  };
  int64_t max_age_ms_;
  std::vector<std::pair<int64_t, Entry>> entries_;  // few shows per process at once
};

}  // namespace cinema
