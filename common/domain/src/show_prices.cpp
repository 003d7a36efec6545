#include "cinema/show_prices.h"

#include <rapidjson/document.h>

#include "cinema/mariadb_booking_store.h"

namespace cinema {

int seat_type_index(std::string_view type) {
  for (size_t i = 0; i < kSeatTypes.size(); ++i) {
    if (kSeatTypes[i] == type) return static_cast<int>(i);
  }
  return -1;
}

SeatPrices effective_prices(const SeatPrices& given, int64_t base_price_cents, const Config& cfg) {
  const std::array<int64_t, 4> percent = {100, cfg.price_vip_percent, cfg.price_accessible_percent,
                                          cfg.price_companion_percent};
  SeatPrices out = given;
  for (size_t i = 0; i < out.cents.size(); ++i) {
    if (!out.set[i]) out.cents[i] = base_price_cents * percent[i] / 100;
  }
  return out;
}

std::optional<SeatPrices> read_prices(JsonBody& body) {
  if (!body.has("prices")) return std::nullopt;
  const rapidjson::Value& v = body.root()["prices"];
  if (!v.IsObject()) {
    body.add_error("prices", "must be an object of seat types to prices in cents");
    return std::nullopt;
  }
  SeatPrices p;
  bool ok = true;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string type(it->name.GetString(), it->name.GetStringLength());
    int i = seat_type_index(type);
    if (i < 0) {
      body.add_error("prices." + type.substr(0, 40),
                     "is not a seat type (STANDARD, VIP, ACCESSIBLE, COMPANION)");
      ok = false;
      continue;
    }
    if (p.set[static_cast<size_t>(i)]) {
      body.add_error("prices." + type, "is given twice");
      ok = false;
      continue;
    }
    const rapidjson::Value& c = it->value;
    if (!c.IsInt64() || c.GetInt64() < 0 || c.GetInt64() > kMaxSeatPriceCents) {
      body.add_error("prices." + type, "must be an integer between 0 and 10000000 (cents)");
      ok = false;
      continue;
    }
    p.cents[static_cast<size_t>(i)] = c.GetInt64();
    p.set[static_cast<size_t>(i)] = true;
  }
  if (!ok) return std::nullopt;
  return p;
}

SeatPrices load_prices(Session& s, int64_t show_id, int64_t base_price_cents, const Config& cfg) {
  Rows rs = s.query(
      "SELECT seat_type, price_cents, is_set FROM show_prices WHERE show_id = ? LOCK IN SHARE "
      "MODE",
      show_id);
  SeatPrices stored;
  bool any = false;
  while (rs->next()) {
    int i = seat_type_index(std::string(rs->getString(1)));
    if (i < 0) continue;
    stored.cents[static_cast<size_t>(i)] = rs->getInt64(2);
    stored.set[static_cast<size_t>(i)] = rs->getInt(3) == 1;
    any = true;
  }
  if (!any) return effective_prices(SeatPrices{}, base_price_cents, cfg);
  return stored;
}

void store_prices(Session& s, int64_t show_id, const SeatPrices& p) {
  for (size_t i = 0; i < kSeatTypes.size(); ++i) {
    s.exec(
        "INSERT INTO show_prices (show_id, seat_type, price_cents, is_set) VALUES (?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE price_cents = VALUES(price_cents), is_set = VALUES(is_set)",
        show_id, std::string(kSeatTypes[i]), p.cents[i], int64_t{p.set[i] ? 1 : 0});
  }
}

SeatTypePrices by_type(const SeatPrices& p) {
  return {p.cents[0], p.cents[1], p.cents[2], p.cents[3]};
}

int64_t apply_prices(Session& s, int64_t show_id, const SeatPrices& p, const char* status_sql) {
  return reprice_show_seats(s, show_id, by_type(p), status_sql);
}

void write_prices(JsonWriter& w, const SeatPrices& p) {
  w.begin_object();
  for (size_t i = 0; i < kSeatTypes.size(); ++i) w.field(kSeatTypes[i], p.cents[i]);
  w.end_object();
}

}  // namespace cinema
