// Input rules for films, decidable without the database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cinema/http.h"
#include "cinema/status.h"

namespace cinema::films {

constexpr int64_t kMaxDurationMin = 600;
constexpr size_t kMaxTitleChars = 200;
constexpr size_t kMaxRatingChars = 16;
constexpr size_t kMaxDescriptionChars = 4000;
constexpr size_t kMaxPosterUrlBytes = 1000;

enum class Mode { kCreate, kPatch };

// A field the client may also clear with null (PATCH): unset = unchanged.
struct Clearable {
  bool given = false;
  std::optional<std::string> value;  // nullopt with given: set to NULL
};

struct FilmFields {
  std::optional<std::string> title;
  std::optional<int64_t> duration_min;
  Clearable rating;
  Clearable description;
  Clearable poster_url;
};

// An absolute http(s) URL with a host, no spaces or control characters, at
// most kMaxPosterUrlBytes.
bool is_poster_url(std::string_view url);

// The body's fields: 400 naming each bad field.
StatusOr<FilmFields> read_film_fields(const Request& req, Mode mode);

}  // namespace cinema::films
