// The catalogue's reads: each returns the JSON body of a 200, or a Problem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cinema/config.h"
#include "cinema/db.h"
#include "cinema/status.h"

namespace cinema::catalog {

struct Page {
  int64_t limit = 20;
  // Decoded cursor: the last item's sort key.
  std::optional<int64_t> after_id;
  std::optional<int64_t> after_time;
};

struct ShowFilter {
  int64_t from_s = 0;
  int64_t to_s = 0;
  std::optional<int64_t> cinema_id;
  std::optional<int64_t> hall_id;
  std::optional<int64_t> film_id;
  std::string title_query;  // substring of the show's or its film's title, already unescaped
};

StatusOr<std::string> list_cinemas(Session& s, const std::optional<std::string>& city,
                                   const Page& page);
StatusOr<std::string> get_cinema(Session& s, int64_t id);
StatusOr<std::string> list_halls(Session& s, int64_t cinema_id);
StatusOr<std::string> get_hall(Session& s, int64_t id);
StatusOr<std::string> hall_layout(Session& s, int64_t id);
StatusOr<std::string> hall_seats(Session& s, int64_t id, std::optional<bool> active);
StatusOr<std::string> list_shows(Session& s, const ShowFilter& filter, const Page& page);
// With its prices per seat type (derived from `cfg` for a show without any).
StatusOr<std::string> get_show(Session& s, int64_t id, const Config& cfg);
StatusOr<std::string> list_films(Session& s, const std::string& title_query, const Page& page);
StatusOr<std::string> get_film(Session& s, int64_t id);

// "a%b_c" -> "a\%b\_c" for LIKE patterns.
std::string escape_like(const std::string& text);

}  // namespace cinema::catalog
