#include "show_rules.h"

#include <algorithm>
#include <array>

#include "cinema/timefmt.h"
#include "cinema/validate.h"

namespace cinema::owner_shows {
namespace {

constexpr std::array<std::string_view, 16> kCurrencies = {"EUR", "USD", "GBP", "CHF", "PLN", "CZK",
                                                          "SEK", "NOK", "DKK", "HUF", "RON", "BGN",
                                                          "JPY", "CAD", "AUD", "NZD"};

std::optional<int64_t> time_field(JsonBody& b, std::string_view field, bool required) {
  auto text = b.string(field, required, 1, 64);
  if (!text) return std::nullopt;
  auto t = parse_rfc3339(*text);
  if (!t) {
    b.add_error(std::string(field), "must be an RFC 3339 date-time, e.g. 2026-11-22T18:30:00Z");
    return std::nullopt;
  }
  if (*t >= kLatestStart) {
    b.add_error(std::string(field), "must be before 2100-01-01T00:00:00Z");
    return std::nullopt;
  }
  return t;
}

}  // namespace

bool is_allowed_currency(std::string_view code) {
  return std::find(kCurrencies.begin(), kCurrencies.end(), code) != kCurrencies.end();
}

StatusOr<ShowFields> read_show_fields(const Request& req, Mode mode) {
  // A show cannot move to another hall: hall_id is accepted on create only.
  auto body = mode == Mode::kCreate
                  ? read_json(req, {"hall_id", "film_id", "title", "starts_at", "ends_at",
                                    "base_price_cents", "currency", "prices", "waitlist_mode"})
                  : read_json(req, {"film_id", "title", "starts_at", "ends_at", "base_price_cents",
                                    "currency", "prices", "waitlist_mode"});
  CINEMA_RETURN_IF_ERROR(body);
  const auto& root = body->root();
  if (mode == Mode::kPatch && root.MemberCount() == 0) {
    return bad_request(
        "Send at least one of film_id, title, starts_at, ends_at, base_price_cents, currency, "
        "prices");
  }
  for (auto it = root.MemberBegin(); it != root.MemberEnd(); ++it) {
    if (it->value.IsNull()) body->add_error(it->name.GetString(), "must not be null");
  }
  bool required = mode != Mode::kPatch;
  ShowFields f;
  if (mode == Mode::kCreate) f.hall_id = body->integer("hall_id", true, 1, INT64_MAX);
  f.film_id = body->integer("film_id", false, 1, INT64_MAX);
  // A film gives the show its title; without one the title is required.
  f.title = body->string("title", required && !body->has("film_id"), 1, 800);
  if (f.title) {
    size_t n = utf8_length(*f.title);
    if (n < 1 || n > 200) {
      body->add_error("title", "must be 1..200 characters long");
    } else if (has_control_chars(*f.title)) {
      body->add_error("title", "must not contain control characters");
    } else if (f.title->find_first_not_of(' ') == std::string::npos) {
      body->add_error("title", "must not be blank");
    }
  }
  f.starts_at = time_field(*body, "starts_at", required);
  f.ends_at = time_field(*body, "ends_at", required);
  f.base_price_cents = body->integer("base_price_cents", required, 0, kMaxPriceCents);
  f.currency = body->string("currency", required, 1, 3);
  if (f.currency && !is_allowed_currency(*f.currency)) {
    body->add_error("currency",
                    "must be one of EUR USD GBP CHF PLN CZK SEK NOK DKK HUF RON BGN JPY CAD AUD "
                    "NZD");
  }
  f.waitlist_mode = body->string("waitlist_mode", false, 1, 10);
  if (f.waitlist_mode && *f.waitlist_mode != "RESERVE" && *f.waitlist_mode != "OFFER") {
    body->add_error("waitlist_mode", "must be RESERVE or OFFER");
  }
  f.prices = read_prices(*body);
  if (f.starts_at && f.ends_at) {
    if (auto st = check_window(*f.starts_at, *f.ends_at, INT64_MIN); !st.ok()) {
      for (const auto& e : st.problem().errors) body->add_error(e.field, e.message);
    }
  }
  CINEMA_RETURN_IF_ERROR(body->finish());
  return f;
}

Status check_window(int64_t starts_at, int64_t ends_at, int64_t now_s) {
  if (ends_at <= starts_at) {
    return bad_request("The show must end after it starts",
                       {{"ends_at", "must be after starts_at"}});
  }
  if (ends_at - starts_at > kMaxDurationS) {
    return bad_request("A show lasts at most 24 hours",
                       {{"ends_at", "must be at most 24 hours after starts_at"}});
  }
  if (starts_at < now_s) {
    return unprocessable("A show cannot be scheduled in the past",
                         {{"starts_at", "must not be in the past"}});
  }
  return Status();
}

}  // namespace cinema::owner_shows
