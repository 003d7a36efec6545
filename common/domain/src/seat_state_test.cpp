#include "cinema/seat_state.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

TEST(SeatState, ParsesTakenSeats) {
  using V = std::vector<std::pair<int64_t, char>>;
  EXPECT_EQ(parse_taken(""), V{});
  EXPECT_EQ(parse_taken("12H"), (V{{12, 'H'}}));
  EXPECT_EQ(parse_taken("12H,15R,1200H"), (V{{12, 'H'}, {15, 'R'}, {1200, 'H'}}));
  // Malformed items are skipped, the rest kept.
  EXPECT_EQ(parse_taken("H,x1R,7F,8R,,9"), (V{{8, 'R'}}));
}

}  // namespace
}  // namespace cinema
