// Input rules for shows, decidable without the database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cinema/http.h"
#include "cinema/show_prices.h"
#include "cinema/status.h"

namespace cinema::owner_shows {

constexpr int64_t kMaxDurationS = 24 * 3600;
constexpr int64_t kMaxPriceCents = 10'000'000;
constexpr int64_t kLatestStart = 4102444800;  // 2100-01-01T00:00:00Z

enum class Mode { kCreate, kReplace, kPatch };

struct ShowFields {
  std::optional<int64_t> hall_id;  // create only
  // The film screened; without it, the title names the owner's film (found
  // or created). One of the two is required on create.
  std::optional<int64_t> film_id;
  std::optional<std::string> title;
  std::optional<int64_t> starts_at;  // epoch seconds
  std::optional<int64_t> ends_at;
  std::optional<int64_t> base_price_cents;
  std::optional<std::string> currency;
  std::optional<std::string> waitlist_mode;  // RESERVE | OFFER
  std::optional<SeatPrices> prices;          // the types given (set); the rest derive from the base
};

// ISO 4217 codes we sell in.
bool is_allowed_currency(std::string_view code);

// The body's fields: 400 naming each bad field (unknown fields, types, ranges,
// unparseable times; ends_at <= starts_at or a show over 24 h when both are sent).
StatusOr<ShowFields> read_show_fields(const Request& req, Mode mode);

// 400 when ends_at is not after starts_at or more than 24 h after it; 422 when
// starts_at is before now_s.
Status check_window(int64_t starts_at, int64_t ends_at, int64_t now_s);

}  // namespace cinema::owner_shows
