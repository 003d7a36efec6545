#include "cinema/seat_picker.h"

#include <gtest/gtest.h>

#include <set>

namespace cinema {
namespace {

// A hall from strings: '.' free STANDARD, 'x' taken, 'A' free ACCESSIBLE,
// 'C' free COMPANION, ' ' no seat (aisle). Seat id = row * 100 + col.
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
      s.type = ch == 'A' ? "ACCESSIBLE" : ch == 'C' ? "COMPANION" : "STANDARD";
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

TEST(SeatPicker, CompanionSeatsNeverGoToOrdinaryRequests) {
  // The companion seats sit in the best place; an ordinary request never gets one.
  auto seats = hall({"...", "...", "CCCC", "...", "..."});
  for (int n = 1; n <= 3; ++n) {
    for (bool together : {true, false}) {
      for (int64_t id : pick_best_seats(seats, req(n, 5, 4, together))) {
        EXPECT_NE(id / 100, 3) << "count " << n << " got companion seat " << id;
      }
    }
  }
  // Only companion seats left: nothing to give.
  EXPECT_TRUE(pick_best_seats(hall({"CCCC"}), req(1, 1, 4)).empty());
  EXPECT_TRUE(pick_best_seats(hall({"CCCC"}), req(2, 1, 4, false)).empty());
}

TEST(SeatPicker, AccessibleBlocksKeepEachCompanionBesideAnAccessibleSeat) {
  PickRequest acc = req(2, 1, 6);
  acc.accessible = true;
  // "CCA": a block of two must be C+A (102,103), never C+C.
  auto got = pick_best_seats(hall({"CCA   "}), acc);
  ASSERT_EQ(got, (std::vector<int64_t>{102, 103}));
  acc.count = 3;
  EXPECT_TRUE(pick_best_seats(hall({"CCA   "}), acc).empty()) << "101 has no accessible neighbour";
  EXPECT_EQ(pick_best_seats(hall({"CAC   "}), acc), (std::vector<int64_t>{101, 102, 103}));
  acc.count = 1;
  EXPECT_EQ(pick_best_seats(hall({"C.A"}), acc), (std::vector<int64_t>{103}));
  acc.together = false;
  EXPECT_TRUE(pick_best_seats(hall({"C.C"}), acc).empty());
}

TEST(SeatPicker, LoneCompanions) {
  // Row 1: A C . C   Row 2: C (below the A: not beside it)   Row 3: A, gap, C.
  auto seats = hall({"AC.C", "C   ", "A C "});
  EXPECT_TRUE(lone_companions(seats, {101, 102}).empty());
  EXPECT_TRUE(lone_companions(seats, {102, 101}).empty()) << "order does not matter";
  EXPECT_EQ(lone_companions(seats, {102}), (std::vector<int64_t>{102}));
  EXPECT_EQ(lone_companions(seats, {101, 102, 104}), (std::vector<int64_t>{104}));
  EXPECT_EQ(lone_companions(seats, {101, 201}), (std::vector<int64_t>{201})) << "other row";
  EXPECT_EQ(lone_companions(seats, {301, 303}), (std::vector<int64_t>{303})) << "across a gap";
  EXPECT_TRUE(lone_companions(seats, {103, 101, 999}).empty()) << "no companion, unknown id";
  EXPECT_TRUE(beside(seats[0], seats[1]));
  EXPECT_FALSE(beside(seats[0], seats[2]));
}

TEST(SeatPicker, ScatteredWhenNoBlockAndAllowed) {
  auto seats = hall({".x.x.", "x.x.x"});
  EXPECT_TRUE(pick_best_seats(seats, req(2, 2, 5)).empty());
  EXPECT_EQ(pick_best_seats(seats, req(3, 2, 5, false)).size(), 3u);
  EXPECT_TRUE(pick_best_seats(seats, req(6, 2, 5, false)).empty());
}

}  // namespace
}  // namespace cinema
