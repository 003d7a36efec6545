#include "cinema/validate.h"

#include <algorithm>
#include <cctype>

namespace cinema {

std::optional<std::string> normalize_email(std::string_view raw) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front()))) raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (raw.size() < 3 || raw.size() > 254) return std::nullopt;
  std::string email;
  email.reserve(raw.size());
  for (char c : raw) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::nullopt;
    email.push_back(static_cast<char>(std::tolower(u)));
  }
  size_t at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return std::nullopt;
  }
  std::string_view domain = std::string_view(email).substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  return email;
}

size_t utf8_length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::optional<std::string> read_text(JsonBody& b, std::string_view field, bool required,
                                     size_t min_chars, size_t max_chars) {
  auto v = b.string(field, required, min_chars, max_chars * 4);
  if (!v) return std::nullopt;
  size_t n = utf8_length(*v);
  if (n < min_chars || n > max_chars) {
    b.add_error(std::string(field), "must be " + std::to_string(min_chars) + ".." +
                                        std::to_string(max_chars) + " characters long");
    return std::nullopt;
  }
  if (has_control_chars(*v)) {
    b.add_error(std::string(field), "must not contain control characters");
    return std::nullopt;
  }
  if (min_chars > 0 && v->find_first_not_of(' ') == std::string::npos) {
    b.add_error(std::string(field), "must not be blank");
    return std::nullopt;
  }
  return v;
}

StatusOr<JsonBody> read_json(const Request& req, std::initializer_list<std::string_view> allowed) {
  std::string type = req.header("content-type");
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string media = type.substr(0, type.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  bool json = media == "application/json" ||
              (media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0);
  if (!json) return unsupported_media_type("Send the body as Content-Type: application/json");
  if (req.body.empty()) return bad_request("A JSON body is required");
  return JsonBody::parse(req.body, allowed);
}

Status check_rate(RateLimiter& limiter, const std::string& key, const BucketSpec& spec) {
  RateDecision d = limiter.consume(key, spec);
  if (d.allowed) return Status();
  return too_many_requests((d.retry_after_ms + 999) / 1000);
}

}  // namespace cinema
