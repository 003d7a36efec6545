#include <gtest/gtest.h>

#include <set>

#include "tasks.h"
#include "waitlist_policy.h"

namespace cinema::worker {
namespace {

TEST(Webhook, SignatureIsHmacSha256OfTheBody) {
  // RFC 4231 test case 2.
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// A hall of `rows` x `cols` STANDARD seats, ids row*100+col, all free.
std::vector<SeatCell> hall(int rows, int cols) {
  std::vector<SeatCell> cells;
  for (int r = 1; r <= rows; ++r) {
    for (int c = 1; c <= cols; ++c) cells.push_back({r * 100 + c, r, c, "STANDARD", true});
  }
  return cells;
}

PickRequest layout(int rows, int cols) {
  PickRequest p;
  p.rows = rows;
  p.cols = cols;
  return p;
}

void take(std::vector<SeatCell>& cells, std::initializer_list<int64_t> ids) {
  for (auto& c : cells) {
    for (int64_t id : ids) {
      if (c.seat_id == id) c.free = false;
    }
  }
}

TEST(WaitlistPolicy, FirstComeFirstServedWhileSeatsLast) {
  // One row of 4 free seats; three parties of 2 in joining order.
  std::vector<WaitingEntry> entries = {{1, 11, 2, true}, {2, 12, 2, true}, {3, 13, 2, true}};
  auto plan = plan_waitlist(entries, hall(1, 4), layout(1, 4));
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].entry, 0u);
  EXPECT_EQ(plan[1].entry, 1u);
  std::set<int64_t> seats;
  for (const auto& a : plan) {
    EXPECT_EQ(a.seat_ids.size(), 2u);
    seats.insert(a.seat_ids.begin(), a.seat_ids.end());
  }
  EXPECT_EQ(seats.size(), 4u) << "a seat went to two entries";
}

TEST(WaitlistPolicy, AnUnmetPartyKeepsItsPlaceAndASmallerOneMayPass) {
  // Free: 101, 102 and 104 (103 taken). A party of 3 together cannot sit;
  // the next party of 2 together takes 101-102, the one after (1 seat) 104.
  std::vector<SeatCell> cells = hall(1, 4);
  take(cells, {103});
  std::vector<WaitingEntry> entries = {{1, 11, 3, true}, {2, 12, 2, true}, {3, 13, 1, true}};
  auto plan = plan_waitlist(entries, cells, layout(1, 4));
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].entry, 1u);
  EXPECT_EQ(std::set<int64_t>(plan[0].seat_ids.begin(), plan[0].seat_ids.end()),
            (std::set<int64_t>{101, 102}));
  EXPECT_EQ(plan[1].entry, 2u);
  EXPECT_EQ(plan[1].seat_ids, std::vector<int64_t>{104});
}

TEST(WaitlistPolicy, TogetherMeansAdjacentApartMeansAnyFreeSeats) {
  // Free: 101 and 103 only.
  std::vector<SeatCell> cells = hall(1, 3);
  take(cells, {102});
  auto together = plan_waitlist({{1, 11, 2, true}}, cells, layout(1, 3));
  EXPECT_TRUE(together.empty()) << "two seats apart given to a party that sits together";
  auto apart = plan_waitlist({{1, 11, 2, false}}, cells, layout(1, 3));
  ASSERT_EQ(apart.size(), 1u);
  EXPECT_EQ(std::set<int64_t>(apart[0].seat_ids.begin(), apart[0].seat_ids.end()),
            (std::set<int64_t>{101, 103}));
}

TEST(WaitlistPolicy, NothingFreeNothingPlanned) {
  std::vector<SeatCell> cells = hall(2, 2);
  take(cells, {101, 102, 201, 202});
  EXPECT_TRUE(plan_waitlist({{1, 11, 1, true}, {2, 12, 1, false}}, cells, layout(2, 2)).empty());
  EXPECT_TRUE(plan_waitlist({}, hall(2, 2), layout(2, 2)).empty());
}

TEST(WaitlistPolicy, OnlyATokenInReserveModeIsCharged) {
  EXPECT_EQ(serving_for(true, true, true), Serving::kCharge);
  EXPECT_EQ(serving_for(true, true, false), Serving::kOffer) << "no token: an offer";
  EXPECT_EQ(serving_for(false, true, true), Serving::kOffer) << "the show offers";
  EXPECT_EQ(serving_for(true, false, true), Serving::kOffer) << "the deployment offers";
  EXPECT_EQ(serving_for(false, false, false), Serving::kOffer);
}

}  // namespace
}  // namespace cinema::worker
