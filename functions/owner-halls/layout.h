// Seat grids for halls: the plain rows x cols rectangle, or a drawn layout of
// one string per row ('S' standard, 'V' VIP, 'A' accessible, 'C' companion,
// '.' or ' ' a gap).
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace cinema::owner_halls {

struct SeatSpec {
  std::string row_label;
  int number = 0;
  int grid_row = 0;
  int grid_col = 0;
  std::string seat_type;
};

struct HallGrid {
  int rows = 0;  // grid size, gaps included
  int cols = 0;
  std::vector<SeatSpec> seats;  // ordered by grid_row, grid_col
};

constexpr int kMaxGrid = 100;

// Label of the n-th seated row (n >= 1): 1 -> "A", 26 -> "Z", 27 -> "AA", 28 -> "AB".
std::string row_label(int n);

// rows x cols standard seats; rows and cols in 1..kMaxGrid.
HallGrid rectangle_grid(int rows, int cols);

// The grid a layout draws, or nullopt with *error set. Only rows holding a
// seat get a letter; grid_row stays the physical row, so an aisle row keeps
// its place. Seat numbers count seats left to right, skipping gaps.
std::optional<HallGrid> parse_layout(const rapidjson::Value& layout, std::string* error);

// The seats as a JSON array for JSON_TABLE: [{"r":"A","n":1,"gr":1,"gc":1,"t":"VIP"},...].
std::string seats_json(const HallGrid& grid);

}  // namespace cinema::owner_halls
