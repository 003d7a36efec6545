// Drawn hall layouts (gaps, seat types) and seat-type prices, and the layout
// changes and deletions refused while shows or bookings depend on them.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "catalog_owner_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

// ------------------------------------------------------------------ layouts and prices

TEST(CatalogOwner, LayoutHallShowsGapsSeatTypesAndTypePrices) {
  Actor owner = new_owner("layout");
  int64_t cinema = create_cinema(owner);
  const std::vector<std::string> layout = {"SS.SS", ".....", "VVVVV", "A.SSC"};
  int64_t hall = create_layout_hall(owner, cinema, layout);

  HttpResponse r = get(path("/v1/halls/", hall, "/seats/layout"));
  ASSERT_EQ(r.status, 200) << r.describe();
  auto doc = r.json();
  ASSERT_TRUE(doc.IsObject()) << r.describe();
  EXPECT_EQ(doc["rows"].GetInt64(), 4);
  EXPECT_EQ(doc["cols"].GetInt64(), 5);
  ASSERT_TRUE(doc.HasMember("grid") && doc["grid"].IsArray() && doc["grid"].Size() == 4)
      << r.describe();
  const auto& grid = doc["grid"];
  for (rapidjson::SizeType row = 0; row < 4; ++row) {
    ASSERT_TRUE(grid[row].HasMember("cells") && grid[row]["cells"].IsArray() &&
                grid[row]["cells"].Size() == 5)
        << "row " << row << ": " << r.describe();
    for (rapidjson::SizeType col = 0; col < 5; ++col) {
      const auto& cell = grid[row]["cells"][col];
      char drawn = layout[row][col];
      if (drawn == '.') {
        EXPECT_TRUE(cell.IsNull()) << "gap at row " << row + 1 << " col " << col + 1;
        continue;
      }
      ASSERT_TRUE(cell.IsObject()) << "seat at row " << row + 1 << " col " << col + 1;
      const char* want = drawn == 'V'   ? "VIP"
                         : drawn == 'A' ? "ACCESSIBLE"
                         : drawn == 'C' ? "COMPANION"
                                        : "STANDARD";
      EXPECT_STREQ(cell["type"].GetString(), want) << "row " << row + 1 << " col " << col + 1;
      EXPECT_EQ(cell["grid_row"].GetInt64(), row + 1);
      EXPECT_EQ(cell["grid_col"].GetInt64(), col + 1);
    }
  }
  // The aisle row has no label; seats are numbered left to right skipping gaps.
  EXPECT_TRUE(grid[1]["row"].IsNull()) << r.describe();
  EXPECT_STREQ(grid[0]["row"].GetString(), "A");
  EXPECT_STREQ(grid[2]["row"].GetString(), "B");
  EXPECT_STREQ(grid[3]["row"].GetString(), "C");
  EXPECT_EQ(grid[0]["cells"][3]["number"].GetInt64(), 3);
  EXPECT_EQ(grid[3]["cells"][4]["number"].GetInt64(), 4);

  HttpResponse hall_r = get(path("/v1/halls/", hall));
  EXPECT_EQ(json_int(hall_r, "seat_count").value_or(-1), 13) << hall_r.describe();

  const int64_t base = 1000;
  int64_t show =
      create_show(owner, hall, "Typed " + unique_token(), unix_now() + 30 * 86400, 7200, base);
  SeatMap m = seat_map(show);
  ASSERT_TRUE(m.ok()) << m.response.describe();
  ASSERT_EQ(m.seats.size(), 13u);
  std::map<std::string, std::set<int64_t>> prices;
  for (const Seat& s : m.seats) {
    char drawn =
        layout.at(static_cast<size_t>(s.grid_row - 1)).at(static_cast<size_t>(s.grid_col - 1));
    const char* want = drawn == 'V'   ? "VIP"
                       : drawn == 'A' ? "ACCESSIBLE"
                       : drawn == 'C' ? "COMPANION"
                                      : "STANDARD";
    EXPECT_EQ(s.type, want) << "seat " << s.id;
    EXPECT_EQ(s.status, "FREE");
    prices[s.type].insert(s.price_cents);
  }
  ASSERT_EQ(prices["VIP"].size(), 1u) << "VIP seats have different prices";
  ASSERT_EQ(prices["STANDARD"].size(), 1u) << "standard seats have different prices";
  EXPECT_EQ(*prices["STANDARD"].begin(), base) << "a standard seat costs the base price";
  EXPECT_GT(*prices["VIP"].begin(), *prices["STANDARD"].begin()) << "VIP must cost more";

  // A new base price shows in the very next seat map (the functions keep the
  // seats' layout and prices in memory between renders).
  HttpResponse repriced = patch(path("/v1/shows/", show),
                                JsonObj().i("base_price_cents", 2 * base).str(), owner.auth());
  ASSERT_EQ(repriced.status, 200) << repriced.describe();
  for (int i = 0; i < 6; ++i) {  // several reads: they may land on different processes
    SeatMap after = seat_map(show);
    ASSERT_TRUE(after.ok()) << after.response.describe();
    for (const Seat& s : after.seats) {
      if (s.type == "STANDARD") {
        EXPECT_EQ(s.price_cents, 2 * base) << "seat " << s.id;
      }
    }
  }
}

// ------------------------------------------------------------------ conflicts

TEST(CatalogOwner, HallsCinemasAndShowsWithDependentsAreProtected) {
  Venue v = make_venue(3, 4);
  const std::string hall_path = path("/v1/halls/", v.hall_id);
  const int64_t seats_before = sql_int("SELECT COUNT(*) FROM seats WHERE hall_id = ?", v.hall_id);
  const std::string seats_sig_before = venue_state(v);

  EXPECT_TRUE(
      IsProblem(patch(hall_path, JsonObj().i("rows", 5).i("cols", 5).str(), v.owner.auth()), 409))
      << "resizing a hall with shows";
  EXPECT_TRUE(IsProblem(
      patch(hall_path, JsonObj().raw("layout", strings_json({"SSSS", "SVVS", "SSSS"})).str(),
            v.owner.auth()),
      409))
      << "re-drawing a hall with shows";
  EXPECT_TRUE(IsProblem(
      put(hall_path, JsonObj().s("name", "Same").i("rows", 4).i("cols", 4).str(), v.owner.auth()),
      409))
      << "PUT with another grid";
  EXPECT_TRUE(IsProblem(del(hall_path, "", v.owner.auth()), 409)) << "deleting a hall with shows";
  EXPECT_TRUE(IsProblem(del(path("/v1/cinemas/", v.cinema_id), "", v.owner.auth()), 409))
      << "deleting a cinema with shows";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM seats WHERE hall_id = ?", v.hall_id), seats_before);
  EXPECT_EQ(venue_state(v), seats_sig_before);
  EXPECT_EQ(get(path("/v1/cinemas/", v.cinema_id)).status, 200);
  EXPECT_EQ(get(hall_path).status, 200);

  // Renaming is not a layout change, and repeating the same grid is allowed.
  HttpResponse renamed =
      patch(hall_path, JsonObj().s("name", "Renamed " + unique_token()).str(), v.owner.auth());
  EXPECT_EQ(renamed.status, 200) << renamed.describe();

  // A show with a reservation cannot be deleted.
  Actor customer = new_customer("protect");
  int64_t seat = hall_seat_ids(v.hall_id).at(5);
  int64_t reservation = book(customer, v.show_id, {seat});
  EXPECT_TRUE(IsProblem(del(path("/v1/shows/", v.show_id), "", v.owner.auth()), 409))
      << "deleting a show with a reservation";
  EXPECT_EQ(get(path("/v1/shows/", v.show_id)).status, 200);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE id = ? AND status = 'CONFIRMED'",
                    reservation),
            1);

  // Controls: without shows the same operations succeed.
  int64_t empty_cinema = create_cinema(v.owner);
  int64_t empty_hall = create_hall(v.owner, empty_cinema, 2, 2);
  HttpResponse resized = patch(path("/v1/halls/", empty_hall),
                               JsonObj().i("rows", 4).i("cols", 6).str(), v.owner.auth());
  EXPECT_EQ(resized.status, 200) << resized.describe();
  EXPECT_EQ(json_int(resized, "seat_count").value_or(-1), 24) << resized.describe();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM seats WHERE hall_id = ?", empty_hall), 24);
  EXPECT_EQ(del(path("/v1/cinemas/", empty_cinema), "", v.owner.auth()).status, 204)
      << "a cinema with halls but no shows can be deleted";
  EXPECT_TRUE(IsProblem(get(path("/v1/cinemas/", empty_cinema)), 404));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM halls WHERE id = ?", empty_hall), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM seats WHERE hall_id = ?", empty_hall), 0);
}

}  // namespace
}  // namespace itest
