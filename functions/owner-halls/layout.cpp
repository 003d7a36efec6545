#include "layout.h"

#include <algorithm>

#include "cinema/json.h"

namespace cinema::owner_halls {
namespace {

const char* seat_type_of(char c) {
  switch (c) {
    case 'S':
      return "STANDARD";
    case 'V':
      return "VIP";
    case 'A':
      return "ACCESSIBLE";
    case 'C':
      return "COMPANION";
    default:
      return nullptr;
  }
}

bool is_gap(char c) {
  return c == '.' || c == ' ';
}

}  // namespace

std::string row_label(int n) {
  std::string out;
  while (n > 0) {
    --n;
    out.insert(out.begin(), static_cast<char>('A' + n % 26));
    n /= 26;
  }
  return out;
}

HallGrid rectangle_grid(int rows, int cols) {
  HallGrid g;
  g.rows = rows;
  g.cols = cols;
  g.seats.reserve(static_cast<size_t>(rows) * static_cast<size_t>(cols));
  for (int r = 1; r <= rows; ++r) {
    std::string label = row_label(r);
    for (int c = 1; c <= cols; ++c) g.seats.push_back({label, c, r, c, "STANDARD"});
  }
  return g;
}

std::optional<HallGrid> parse_layout(const rapidjson::Value& layout, std::string* error) {
  if (!layout.IsArray() || layout.Empty() || layout.Size() > kMaxGrid) {
    *error = "must be an array of 1.." + std::to_string(kMaxGrid) + " strings, one per row";
    return std::nullopt;
  }
  HallGrid g;
  g.rows = static_cast<int>(layout.Size());
  int seated_rows = 0;
  for (rapidjson::SizeType i = 0; i < layout.Size(); ++i) {
    const int grid_row = static_cast<int>(i) + 1;
    const auto& row = layout[i];
    const std::string where = "row " + std::to_string(grid_row);
    if (!row.IsString() || row.GetStringLength() < 1 || row.GetStringLength() > kMaxGrid) {
      *error = where + " must be a string of 1.." + std::to_string(kMaxGrid) + " characters";
      return std::nullopt;
    }
    std::string_view text(row.GetString(), row.GetStringLength());
    g.cols = std::max(g.cols, static_cast<int>(text.size()));
    bool has_seat = std::any_of(text.begin(), text.end(), [](char c) { return !is_gap(c); });
    if (!has_seat) continue;  // an aisle row: no letter, but it keeps its grid row
    std::string label = row_label(++seated_rows);
    int number = 0;
    for (size_t c = 0; c < text.size(); ++c) {
      if (is_gap(text[c])) continue;
      const char* type = seat_type_of(text[c]);
      if (type == nullptr) {
        *error = where + ", column " + std::to_string(c + 1) +
                 ": use S (standard), V (VIP), A (accessible), C (companion), '.' or ' ' (gap)";
        return std::nullopt;
      }
      g.seats.push_back({label, ++number, grid_row, static_cast<int>(c) + 1, type});
    }
  }
  if (g.seats.empty()) {
    *error = "must contain at least one seat";
    return std::nullopt;
  }
  return g;
}

std::string seats_json(const HallGrid& grid) {
  JsonWriter w;
  w.begin_array();
  for (const auto& s : grid.seats) {
    w.begin_object()
        .field("r", s.row_label)
        .field("n", s.number)
        .field("gr", s.grid_row)
        .field("gc", s.grid_col)
        .field("t", s.seat_type)
        .end_object();
  }
  w.end_array();
  return w.str();
}

}  // namespace cinema::owner_halls
