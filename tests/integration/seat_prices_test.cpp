// Per-show prices by seat type (set on POST/PATCH /v1/shows, shown in the
// seat map, charged by hold and confirm, never changing a hold or a
// reservation), and companion seats (held only beside their accessible seat,
// never given by best available to an ordinary request).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "booking_fixtures.h"
#include "catalog_owner_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

int64_t slot(int n) {
  return (unix_now() / 3600 + 24 * 220 + 3 * n) * 3600;
}

// POST /v1/shows in `hall` with `prices` (raw JSON, or "" for none).
HttpResponse post_priced_show(const Actor& owner, int64_t hall, int n, const std::string& prices,
                              int64_t base = 1000) {
  JsonObj body;
  body.i("hall_id", hall)
      .s("title", "Priced " + unique_token())
      .s("starts_at", rfc3339(slot(n)))
      .s("ends_at", rfc3339(slot(n) + 2 * 3600))
      .i("base_price_cents", base)
      .s("currency", "EUR");
  if (!prices.empty()) body.raw("prices", prices);
  return post("/v1/shows", body.str(), owner.auth());
}

std::map<std::string, int64_t> prices_of(const HttpResponse& r) {
  std::map<std::string, int64_t> out;
  rapidjson::Document d = r.json();
  if (!d.IsObject() || !d.HasMember("prices") || !d["prices"].IsObject()) return out;
  for (auto it = d["prices"].MemberBegin(); it != d["prices"].MemberEnd(); ++it) {
    out[it->name.GetString()] = it->value.GetInt64();
  }
  return out;
}

const Seat& seat_at(const SeatMap& m, int64_t row, int64_t col) {
  for (const Seat& s : m.seats) {
    if (s.grid_row == row && s.grid_col == col) return s;
  }
  throw std::runtime_error("no seat at " + std::to_string(row) + "," + std::to_string(col));
}

using Prices = std::map<std::string, int64_t>;

// ------------------------------------------------------------------ prices

TEST(ShowPrices, PerTypePricesShowInTheSeatMapAndAreCharged) {
  Venue v = make_layout_venue({"SVVS", "AC.S"});
  HttpResponse r = post_priced_show(v.owner, v.hall_id, 1, R"({"STANDARD":900,"VIP":2500})");
  ASSERT_EQ(r.status, 201) << r.describe();
  const int64_t show = json_int(r, "id").value_or(0);
  const Prices want{{"STANDARD", 900}, {"VIP", 2500}, {"ACCESSIBLE", 1000}, {"COMPANION", 0}};
  EXPECT_EQ(prices_of(r), want) << "types left out derive from the base price";
  EXPECT_EQ(prices_of(get(path("/v1/shows/", show))), want);

  SeatMap m = seat_map(show);
  ASSERT_TRUE(m.ok()) << m.response.describe();
  for (const Seat& s : m.seats) EXPECT_EQ(s.price_cents, want.at(s.type)) << "seat " << s.id;

  // A show without prices: the base price and the configured percentages, as before.
  Prices derived = prices_of(get(path("/v1/shows/", v.show_id)));
  EXPECT_EQ(derived.at("STANDARD"), 1000);
  EXPECT_EQ(derived.size(), 4u);
  for (const Seat& s : seat_map(v.show_id).seats) EXPECT_EQ(s.price_cents, derived.at(s.type));

  Actor c = new_customer("priced");
  const Seat& vip = seat_at(m, 1, 2);
  const Seat& standard = seat_at(m, 1, 1);
  HttpResponse held = hold_seats(c, show, {vip.id, standard.id});
  ASSERT_EQ(held.status, 201) << held.describe();
  EXPECT_EQ(json_int(held, "total_cents").value_or(0), 3400);
  HttpResponse booked = confirm(c, show, json_int(held, "hold_id").value_or(0));
  ASSERT_EQ(booked.status, 201) << booked.describe();
  EXPECT_EQ(json_int(booked, "total_cents").value_or(0), 3400);
  const int64_t reservation = json_int(booked, "reservation_id").value_or(0);
  EXPECT_EQ(sql_int("SELECT SUM(price_cents) FROM reservation_seats WHERE reservation_id = ?",
                    reservation),
            3400);
  EXPECT_EQ(sql_int("SELECT price_cents FROM reservation_seats WHERE reservation_id = ? AND "
                    "seat_id = ?",
                    reservation, vip.id),
            2500);
}

TEST(ShowPrices, APriceChangeNeverAltersHoldsOrReservations) {
  Venue v = make_layout_venue({"SVVVVS", "SSSSSS"});
  HttpResponse r = post_priced_show(v.owner, v.hall_id, 2, R"({"VIP":2000})");
  ASSERT_EQ(r.status, 201) << r.describe();
  const int64_t show = json_int(r, "id").value_or(0);
  SeatMap m = seat_map(show);
  ASSERT_TRUE(m.ok());
  const int64_t vip_sold = seat_at(m, 1, 2).id, vip_held = seat_at(m, 1, 3).id;
  const int64_t vip_free = seat_at(m, 1, 4).id, standard_held = seat_at(m, 2, 1).id;
  const int64_t standard_free = seat_at(m, 2, 2).id;

  Actor a = new_customer("price-a"), b = new_customer("price-b"), c = new_customer("price-c");
  const int64_t reservation = book(a, show, {vip_sold});
  HttpResponse b_hold = hold_seats(b, show, {vip_held});
  ASSERT_EQ(b_hold.status, 201) << b_hold.describe();
  EXPECT_EQ(json_int(b_hold, "total_cents").value_or(0), 2000);
  HttpResponse c_hold = hold_seats(c, show, {standard_held});
  ASSERT_EQ(c_hold.status, 201) << c_hold.describe();
  EXPECT_EQ(json_int(c_hold, "total_cents").value_or(0), 1000);

  // With seats held and sold, the price may still change: for the FREE seats.
  HttpResponse repriced = patch(
      path("/v1/shows/", show),
      JsonObj().raw("prices", R"({"VIP":3000})").i("base_price_cents", 1200).str(), v.owner.auth());
  ASSERT_EQ(repriced.status, 200) << repriced.describe();
  EXPECT_EQ(prices_of(repriced).at("VIP"), 3000);
  EXPECT_EQ(prices_of(repriced).at("STANDARD"), 1200);
  SeatMap after = seat_map(show);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.find(vip_free)->price_cents, 3000);
  EXPECT_EQ(after.find(standard_free)->price_cents, 1200);
  EXPECT_EQ(after.find(vip_held)->price_cents, 2000) << "a held seat keeps its hold's price";
  EXPECT_EQ(after.find(vip_sold)->price_cents, 2000);

  // The hold is charged what it said; the reservation made before is untouched.
  HttpResponse b_booked = confirm(b, show, json_int(b_hold, "hold_id").value_or(0));
  ASSERT_EQ(b_booked.status, 201) << b_booked.describe();
  EXPECT_EQ(json_int(b_booked, "total_cents").value_or(0), 2000);
  EXPECT_EQ(sql_int("SELECT SUM(price_cents) FROM reservation_seats WHERE reservation_id = ?",
                    json_int(b_booked, "reservation_id").value_or(0)),
            2000);
  EXPECT_EQ(sql_int("SELECT total_cents FROM reservations WHERE id = ?", reservation), 2000);
  EXPECT_EQ(
      sql_int("SELECT price_cents FROM reservation_seats WHERE reservation_id = ?", reservation),
      2000);

  // A seat held during the change keeps its hold's price once free again,
  // until the owner's next PATCH with prices, which sets every FREE seat.
  ASSERT_EQ(release_hold(c, show, json_int(c_hold, "hold_id").value_or(0)).status, 204);
  SeatMap released = seat_map(show);
  ASSERT_TRUE(released.ok());
  EXPECT_EQ(released.status_of(standard_held), "FREE");
  EXPECT_EQ(released.find(standard_held)->price_cents, 1000);
  HttpResponse reapplied = patch(path("/v1/shows/", show),
                                 JsonObj().raw("prices", R"({"VIP":3000})").str(), v.owner.auth());
  ASSERT_EQ(reapplied.status, 200) << reapplied.describe();
  SeatMap reset = seat_map(show);
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(reset.find(standard_held)->price_cents, 1200);
  HttpResponse again = hold_seats(c, show, {standard_held});
  ASSERT_EQ(again.status, 201) << again.describe();
  EXPECT_EQ(json_int(again, "total_cents").value_or(0), 1200);

  // Without `prices`, a base price change keeps the explicit VIP price.
  HttpResponse base =
      patch(path("/v1/shows/", show), JsonObj().i("base_price_cents", 1300).str(), v.owner.auth());
  ASSERT_EQ(base.status, 200) << base.describe();
  EXPECT_EQ(prices_of(base).at("VIP"), 3000);
  EXPECT_EQ(prices_of(base).at("STANDARD"), 1300);
}

TEST(ShowPrices, BadPricesAreRefused) {
  Venue v = make_layout_venue({"SVVS"});
  struct Bad {
    std::string prices;
    const char* field;
  };
  for (const Bad& b : std::vector<Bad>{
           {R"({"GOLD":100})", "prices.GOLD"},
           {R"({"VIP":-1})", "prices.VIP"},
           {R"({"VIP":10000001})", "prices.VIP"},
           {R"({"VIP":"900"})", "prices.VIP"},
           {R"({"VIP":9.5})", "prices.VIP"},
           {R"([900])", "prices"},
           {"900", "prices"},
           {"null", "prices"},
       }) {
    HttpResponse r = post_priced_show(v.owner, v.hall_id, 3, b.prices);
    EXPECT_TRUE(IsProblem(r, 400)) << b.prices;
    std::vector<std::string> fields = error_fields(r);
    EXPECT_NE(std::find(fields.begin(), fields.end(), b.field), fields.end())
        << b.prices << " -> " << r.describe();
    EXPECT_TRUE(IsProblem(patch(path("/v1/shows/", v.show_id),
                                JsonObj().raw("prices", b.prices).str(), v.owner.auth()),
                          400))
        << b.prices;
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM shows WHERE hall_id = ?", v.hall_id), 1);
}

// ------------------------------------------------------------------ companion seats

TEST(CompanionSeats, AloneIsRefusedAndBesideItsAccessibleSeatHeld) {
  // Row 2: A C S C; row 3: A, gap, C A.
  Venue v = make_layout_venue({"SSSS", "ACSC", "A.CA"});
  SeatMap m = seat_map(v.show_id);
  ASSERT_TRUE(m.ok());
  const int64_t a21 = seat_at(m, 2, 1).id, c22 = seat_at(m, 2, 2).id, s23 = seat_at(m, 2, 3).id;
  const int64_t c24 = seat_at(m, 2, 4).id, a31 = seat_at(m, 3, 1).id, c33 = seat_at(m, 3, 3).id;
  const int64_t a34 = seat_at(m, 3, 4).id;
  ASSERT_EQ(seat_at(m, 2, 2).type, "COMPANION");
  ASSERT_EQ(seat_at(m, 2, 1).type, "ACCESSIBLE");
  Actor c = new_customer("companion");
  const int64_t holds_before = holds_of_show(v.show_id);

  for (const auto& seats :
       {std::vector<int64_t>{c22}, std::vector<int64_t>{c22, s23}, std::vector<int64_t>{a21, c24},
        std::vector<int64_t>{a31, c33}, std::vector<int64_t>{a21, c22, c24}}) {
    HttpResponse r = hold_seats(c, v.show_id, seats);
    EXPECT_TRUE(IsProblem(r, 400)) << join(seats) << ": " << r.describe();
    EXPECT_EQ(json_string(r, "type"), "/problems/companion-seat-alone") << r.describe();
  }
  EXPECT_EQ(holds_of_show(v.show_id), holds_before) << "refused holds leave no trace";
  EXPECT_EQ(seat_map(v.show_id).status_of(c22), "FREE");

  HttpResponse ok = hold_seats(c, v.show_id, {c22, a21});
  ASSERT_EQ(ok.status, 201) << ok.describe();
  Actor d = new_customer("companion-d");
  HttpResponse pair = hold_seats(d, v.show_id, {a34, c33});
  ASSERT_EQ(pair.status, 201) << pair.describe();
  EXPECT_EQ(confirm(d, v.show_id, json_int(pair, "hold_id").value_or(0)).status, 201);
}

TEST(CompanionSeats, BestAvailableNeverGivesOrdinaryRequestsACompanionSeat) {
  // The companion row is the best row (60% back); row 4: a companion beside
  // an accessible seat.
  Venue v = make_layout_venue({"SSSS", "CCCC", "SSSS", "CA.."});
  SeatMap m = seat_map(v.show_id);
  ASSERT_TRUE(m.ok());
  std::vector<int64_t> companions = m.ids_of_type("COMPANION");
  ASSERT_EQ(companions.size(), 5u);
  std::vector<Actor> customers = many_customers(5, "best-comp");
  for (int i = 0; i < 4; ++i) {
    HttpResponse r = hold_best(customers[static_cast<size_t>(i)], v.show_id, 2, i % 2 == 0);
    ASSERT_EQ(r.status, 201) << r.describe();
    for (int64_t id : json_ids(r, "seat_ids")) {
      EXPECT_EQ(m.find(id)->type, "STANDARD") << "seat " << id;
    }
  }
  // Only companion and accessible seats are left: nothing for an ordinary request.
  EXPECT_TRUE(IsProblem(hold_best(customers[4], v.show_id, 1, true), 409));
  EXPECT_TRUE(IsProblem(hold_best(customers[4], v.show_id, 1, false), 409));
  // An accessible request gets the accessible seat with its companion beside it.
  HttpResponse acc = post(show_url(v.show_id, "/hold"),
                          JsonObj().i("count", 2).b("accessible", true).str(), customers[4].auth());
  ASSERT_EQ(acc.status, 201) << acc.describe();
  EXPECT_EQ(sorted(json_ids(acc, "seat_ids")), sorted({seat_at(m, 4, 1).id, seat_at(m, 4, 2).id}));
}

}  // namespace
}  // namespace itest
