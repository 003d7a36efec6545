// A show's price per seat type. The owner may set any of the four types
// (`prices` on POST/PATCH /v1/shows); a type left out costs the base price
// times its percentage (Config price_*_percent), as before per-show prices.
// show_prices keeps all four per show (is_set tells which were given), and
// show_seats.price_cents is what a hold sums: a change reprices FREE seats only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cinema/config.h"
#include "cinema/db.h"
#include "cinema/json.h"
#include "cinema/mariadb_booking_store.h"

namespace cinema {

constexpr int64_t kMaxSeatPriceCents = 10'000'000;
inline constexpr std::array<std::string_view, 4> kSeatTypes = {"STANDARD", "VIP", "ACCESSIBLE",
                                                               "COMPANION"};

struct SeatPrices {
  std::array<int64_t, 4> cents{};  // in kSeatTypes order
  std::array<bool, 4> set{};       // given by the owner (else derived from the base price)
  bool operator==(const SeatPrices& o) const { return cents == o.cents && set == o.set; }
};

// The type's index in kSeatTypes, or -1.
int seat_type_index(std::string_view type);

// Explicit prices only (the `set` ones); the others are recomputed here.
SeatPrices effective_prices(const SeatPrices& given, int64_t base_price_cents, const Config& cfg);

// The body's "prices" member: an object of known seat types to integers
// 0..kMaxSeatPriceCents. Errors are added to `body` (field "prices" or
// "prices.<TYPE>"); nullopt when absent or invalid.
std::optional<SeatPrices> read_prices(JsonBody& body);

// The show's stored prices, or the derived ones when it has none (shows
// created before per-show prices, or by an older release).
SeatPrices load_prices(Session& s, int64_t show_id, int64_t base_price_cents, const Config& cfg);
// Replaces the show's stored prices.
void store_prices(Session& s, int64_t show_id, const SeatPrices& p);
// Sets show_seats.price_cents from `p` for the show's seats in `status_sql`
// (e.g. "ss.status = 'FREE'"); returns the rows changed.
int64_t apply_prices(Session& s, int64_t show_id, const SeatPrices& p, const char* status_sql);
// The same prices as the booking store takes them.
SeatTypePrices by_type(const SeatPrices& p);

// {"STANDARD":..,"VIP":..,"ACCESSIBLE":..,"COMPANION":..}
void write_prices(JsonWriter& w, const SeatPrices& p);

}  // namespace cinema
