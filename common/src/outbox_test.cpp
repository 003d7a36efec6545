#include "cinema/outbox.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace cinema {
namespace {

struct MarksTest : ::testing::Test {
  FakeClock* clock = nullptr;
  std::unique_ptr<Context> ctx;

  void SetUp() override {
    auto c = std::make_unique<FakeClock>(1'000'000);
    clock = c.get();
    ctx = std::make_unique<Context>(Config::for_tests(), std::move(c));
  }
  void confirm(int n) {
    for (int i = 0; i < n; ++i) {
      ctx->confirmed_events().push_back("e" + std::to_string(ctx->confirmed_events().size()));
    }
  }
};

TEST_F(MarksTest, NothingPendingGivesNoBatchAndSqlNull) {
  MarkBatch b = take_mark_batch(*ctx);
  EXPECT_TRUE(b.ids.empty());
  EXPECT_FALSE(b.json().has_value());
}

TEST_F(MarksTest, QuietProcessSendsItsFewMarksAtOnce) {
  confirm(2);
  MarkBatch b = take_mark_batch(*ctx);
  ASSERT_EQ(b.ids.size(), 2u);
  EXPECT_EQ(*b.json(), R"(["e0","e1"])");
  EXPECT_TRUE(ctx->confirmed_events().empty());
}

TEST_F(MarksTest, BusyProcessWaitsForAFullBatch) {
  confirm(1);
  ASSERT_EQ(take_mark_batch(*ctx).ids.size(), 1u);  // first call: the interval has passed
  confirm(3);
  clock->advance_ms(50);
  EXPECT_TRUE(take_mark_batch(*ctx).ids.empty()) << "3 marks 50 ms later wait for more";
  EXPECT_EQ(ctx->confirmed_events().size(), 3u);
  confirm(13);
  EXPECT_EQ(take_mark_batch(*ctx).ids.size(), 16u) << "a full batch goes at once";
  confirm(2);
  clock->advance_ms(250);
  EXPECT_EQ(take_mark_batch(*ctx).ids.size(), 2u) << "after the interval, whatever is pending";
}

TEST_F(MarksTest, RestoredBatchIsSentWithTheNextOne) {
  confirm(16);
  MarkBatch b = take_mark_batch(*ctx);
  ASSERT_EQ(b.ids.size(), 16u);
  confirm(1);  // confirmed while the failed transaction ran
  restore_mark_batch(*ctx, std::move(b));
  EXPECT_EQ(ctx->confirmed_events().size(), 17u);
  EXPECT_EQ(take_mark_batch(*ctx).ids.size(), 17u);
}

}  // namespace
}  // namespace cinema
