#include "cinema/show_prices.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

StatusOr<JsonBody> body(const std::string& json) {
  return JsonBody::parse(json, {"prices"});
}

TEST(ShowPrices, LeftOutTypesFollowTheBasePrice) {
  Config cfg = Config::for_tests();
  cfg.price_vip_percent = 150;
  cfg.price_accessible_percent = 100;
  cfg.price_companion_percent = 0;
  SeatPrices derived = effective_prices(SeatPrices{}, 1001, cfg);
  EXPECT_EQ(derived.cents, (std::array<int64_t, 4>{1001, 1501, 1001, 0}));
  EXPECT_EQ(derived.set, (std::array<bool, 4>{false, false, false, false}));

  SeatPrices given;
  given.cents[1] = 2500;
  given.set[1] = true;
  given.cents[3] = 300;
  given.set[3] = true;
  SeatPrices p = effective_prices(given, 1000, cfg);
  EXPECT_EQ(p.cents, (std::array<int64_t, 4>{1000, 2500, 1000, 300}));
  // A new base price moves the derived ones only.
  EXPECT_EQ(effective_prices(p, 2000, cfg).cents, (std::array<int64_t, 4>{2000, 2500, 2000, 300}));
}

TEST(ShowPrices, ReadsKnownTypesOnly) {
  auto b = body(R"({"prices":{"VIP":1400,"COMPANION":0}})");
  ASSERT_TRUE(b.ok());
  auto p = read_prices(*b);
  ASSERT_TRUE(p);
  EXPECT_TRUE(b->finish().ok());
  EXPECT_EQ(p->cents[1], 1400);
  EXPECT_TRUE(p->set[1] && p->set[3]);
  EXPECT_FALSE(p->set[0] || p->set[2]);

  auto empty = body(R"({"prices":{}})");
  ASSERT_TRUE(empty.ok());
  auto none = read_prices(*empty);
  ASSERT_TRUE(none) << "{} resets every type to its default";
  EXPECT_EQ(none->set, (std::array<bool, 4>{false, false, false, false}));

  for (const char* bad : {R"({"prices":{"vip":1}})", R"({"prices":{"VIP":-1}})",
                          R"({"prices":{"VIP":10000001}})", R"({"prices":{"VIP":1.5}})",
                          R"({"prices":{"VIP":true}})", R"({"prices":[1]})", R"({"prices":"x"})"}) {
    auto parsed = body(bad);
    ASSERT_TRUE(parsed.ok()) << bad;
    EXPECT_FALSE(read_prices(*parsed)) << bad;
    EXPECT_EQ(parsed->finish().problem().status, 400) << bad;
  }
  EXPECT_EQ(seat_type_index("ACCESSIBLE"), 2);
  EXPECT_EQ(seat_type_index("GOLD"), -1);
}

}  // namespace
}  // namespace cinema
