#include "cinema/seat_picker.h"

#include <gtest/gtest.h>

#include <set>

namespace cinema {
namespace {

// A hall from strings: '.' free STANDARD, 'x' taken, 'A' free ACCESSIBLE,
// ' ' no seat (aisle). Seat id = row * 100 + col.
std::vector<SeatCell> hall(const std::vector<std::string>& rows) {
  std::vector<SeatCell> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      char ch = rows[r][c];
      if (ch == ' ') continue;
      SeatCell s;
      s.grid_row = static_cast<int>(r + 1);
      s.grid_col = static_cast<int>(c + 1);
      s.seat_id = s.grid_row * 100 + s.grid_col;
      s.type = ch == 'A' ? "ACCESSIBLE" : "STANDARD";
      s.free = ch != 'x';
      out.push_back(s);
    }
  }
  return out;
}

PickRequest req(int n, int rows, int cols, bool together = true) {
  PickRequest r;
  r.count = n;
  r.rows = rows;
  r.cols = cols;
  r.together = together;
  return r;
}

TEST(SeatPicker, PrefersCentreOfPreferredRow) {
  auto seats = hall({".........", ".........", ".........", ".........", "........."});
  auto got = pick_best_seats(seats, req(3, 5, 9));
  EXPECT_EQ(got, (std::vector<int64_t>{304, 305, 306}));
}

TEST(SeatPicker, BlocksDoNotSpanAisles) {
  auto seats = hall({"xx.. ..xx"});
  EXPECT_TRUE(pick_best_seats(seats, req(3, 1, 9)).empty());
  EXPECT_EQ(pick_best_seats(seats, req(2, 1, 9)).size(), 2u);
}

TEST(SeatPicker, AvoidsLeavingAnOrphanSeat) {
  // Free run of 4 (cols 3-6) between taken seats; a pair at cols 4-5 would be
  // most central but strands single seats on both sides.
  auto seats = hall({"xx....xx"});
  auto got = pick_best_seats(seats, req(2, 1, 8));
  std::set<int64_t> s(got.begin(), got.end());
  EXPECT_TRUE(s == std::set<int64_t>({103, 104}) || s == std::set<int64_t>({105, 106}));
}

TEST(SeatPicker, SpreadChoosesAmongTheBestBlocksOnly) {
  auto seats = hall({".........", ".........", ".........", ".........", "........."});
  PickRequest r = req(2, 5, 9);
  r.spread = 4;
  std::set<std::vector<int64_t>> seen;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    r.seed = seed;
    auto got = pick_best_seats(seats, r);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1], got[0] + 1) << "a block of adjacent seats";
    seen.insert(got);
  }
  EXPECT_EQ(seen.size(), 4u) << "the four best blocks, each chosen sometimes";
  for (const auto& block : seen) {
    int row = static_cast<int>(block[0] / 100);
    EXPECT_TRUE(row == 3 || row == 2 || row == 4) << block[0];
  }
}

TEST(SeatPicker, SpreadNeverLeavesAnOrphanWhenTheBestDoesNot) {
  auto seats = hall({"xx....xx"});
  PickRequest r = req(2, 1, 8);
  r.spread = 8;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    r.seed = seed;
    auto got = pick_best_seats(seats, r);
    std::set<int64_t> s(got.begin(), got.end());
    EXPECT_TRUE(s == std::set<int64_t>({103, 104}) || s == std::set<int64_t>({105, 106}));
  }
}

TEST(SeatPicker, AccessibleOnlyWhenAsked) {
  auto seats = hall({"AA......"});
  for (int64_t id : pick_best_seats(seats, req(2, 1, 8))) EXPECT_GT(id, 102);
  PickRequest acc = req(1, 1, 8);
  acc.accessible = true;
  auto got = pick_best_seats(seats, acc);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_LE(got[0], 102);
}

TEST(SeatPicker, ScatteredWhenNoBlockAndAllowed) {
  auto seats = hall({".x.x.", "x.x.x"});
  EXPECT_TRUE(pick_best_seats(seats, req(2, 2, 5)).empty());
  EXPECT_EQ(pick_best_seats(seats, req(3, 2, 5, false)).size(), 3u);
  EXPECT_TRUE(pick_best_seats(seats, req(6, 2, 5, false)).empty());
}

}  // namespace
}  // namespace cinema
