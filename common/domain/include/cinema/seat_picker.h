// Best-available seat choice, shared by hold and the waiting list: the block
// of N adjacent seats in one row nearest the preferred row and the centre
// line, avoiding a single orphan seat where another choice exists. Pure logic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cinema {

struct SeatCell {
  int64_t seat_id = 0;
  int grid_row = 0;  // 1 = front (screen side)
  int grid_col = 0;
  std::string type;  // STANDARD | VIP | ACCESSIBLE | COMPANION
  bool free = false;
};

struct PickRequest {
  int count = 1;
  bool together = true;
  // Only ACCESSIBLE/COMPANION seats, at least one ACCESSIBLE, and every
  // COMPANION beside an ACCESSIBLE one of the block. Without it, neither
  // ACCESSIBLE nor COMPANION seats are given.
  bool accessible = false;
  int rows = 1;  // hall grid size
  int cols = 1;
  // Choose at random among this many best blocks (1: always the best). Many
  // customers asking at once would otherwise all race for the same block,
  // and all but one lose and pick again.
  int spread = 1;
  uint64_t seed = 0;  // for spread > 1
};

// Seat ids chosen, or empty when the request cannot be met.
std::vector<int64_t> pick_best_seats(const std::vector<SeatCell>& seats, const PickRequest& req);

// Two seats are beside each other when they share a grid row and their grid
// columns differ by one (a gap in the layout keeps its column, so an aisle
// separates them).
bool beside(const SeatCell& a, const SeatCell& b);

// The COMPANION seats among `chosen` without an ACCESSIBLE seat of `chosen`
// beside them: a companion seat is only ever sold with its accessible seat.
// `layout` in seat_id order (SeatLayout); ids it lacks are ignored.
std::vector<int64_t> lone_companions(const std::vector<SeatCell>& layout,
                                     const std::vector<int64_t>& chosen);

}  // namespace cinema
