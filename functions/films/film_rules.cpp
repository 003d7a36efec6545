#include "film_rules.h"

#include "cinema/validate.h"

namespace cinema::films {
namespace {

// Text of 1..max_chars characters; with `paragraphs`, line breaks and tabs
// are allowed (a description), other control characters never.
Clearable clearable_text(JsonBody& b, std::string_view field, size_t max_chars,
                         bool paragraphs = false) {
  Clearable c;
  auto member = b.root().FindMember(rapidjson::Value(
      rapidjson::StringRef(field.data(), static_cast<rapidjson::SizeType>(field.size()))));
  if (member == b.root().MemberEnd()) return c;
  c.given = true;
  if (member->value.IsNull()) return c;  // null clears it
  if (!paragraphs) {
    c.value = read_text(b, field, true, 1, max_chars);
    return c;
  }
  auto v = b.string(field, true, 1, max_chars * 4);
  if (!v) return c;
  std::string flat = *v;
  for (char& ch : flat) {
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  }
  size_t n = utf8_length(flat);
  if (n < 1 || n > max_chars) {
    b.add_error(std::string(field), "must be 1.." + std::to_string(max_chars) + " characters long");
  } else if (has_control_chars(flat)) {
    b.add_error(std::string(field), "must not contain control characters but line breaks");
  } else if (flat.find_first_not_of(' ') == std::string::npos) {
    b.add_error(std::string(field), "must not be blank");
  } else {
    c.value = std::move(v);
  }
  return c;
}

}  // namespace

bool is_poster_url(std::string_view url) {
  if (url.size() > kMaxPosterUrlBytes) return false;
  size_t scheme = 0;
  if (url.substr(0, 8) == "https://") {
    scheme = 8;
  } else if (url.substr(0, 7) == "http://") {
    scheme = 7;
  } else {
    return false;
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  }
  size_t host_end = url.find_first_of("/?#", scheme);
  std::string_view host = url.substr(
      scheme, host_end == std::string_view::npos ? std::string_view::npos : host_end - scheme);
  // No credentials in the URL, and a host that is not empty.
  if (host.empty() || host.find('@') != std::string_view::npos) return false;
  return host.front() != ':' && host.front() != '.';
}

StatusOr<FilmFields> read_film_fields(const Request& req, Mode mode) {
  auto body = read_json(req, {"title", "duration_min", "rating", "description", "poster_url"});
  CINEMA_RETURN_IF_ERROR(body);
  const auto& root = body->root();
  if (mode == Mode::kPatch && root.MemberCount() == 0) {
    return bad_request("Send at least one of title, duration_min, rating, description, poster_url");
  }
  for (const char* f : {"title", "duration_min"}) {
    if (root.HasMember(f) && root[f].IsNull()) body->add_error(f, "must not be null");
  }
  bool required = mode == Mode::kCreate;
  FilmFields f;
  if (!(root.HasMember("title") && root["title"].IsNull())) {
    f.title = read_text(*body, "title", required, 1, kMaxTitleChars);
  }
  if (!(root.HasMember("duration_min") && root["duration_min"].IsNull())) {
    f.duration_min = body->integer("duration_min", required, 1, kMaxDurationMin);
  }
  f.rating = clearable_text(*body, "rating", kMaxRatingChars);
  f.description = clearable_text(*body, "description", kMaxDescriptionChars,
                                 /*paragraphs=*/true);
  f.poster_url = clearable_text(*body, "poster_url", kMaxPosterUrlBytes);
  if (f.poster_url.value && !is_poster_url(*f.poster_url.value)) {
    body->add_error("poster_url", "must be an http:// or https:// URL with a host");
  }
  CINEMA_RETURN_IF_ERROR(body->finish());
  return f;
}

}  // namespace cinema::films
