#include "cinema/validate.h"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "cinema/utf8.h"

namespace cinema {

namespace {

// NFKC with case folding (Unicode's NFKC_Casefold): full-width, accented
// capitals, ligatures and the like all land on one form; ignorable code
// points (soft hyphen, zero-width joiner) are dropped.
std::optional<std::string> nfkc_casefold(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2* norm = unorm2_getNFKCCasefoldInstance(&err);
  if (U_FAILURE(err)) return std::nullopt;
  std::u16string in(utf8.size() + 1, u'\0');
  int32_t in_len = 0;
  u_strFromUTF8(reinterpret_cast<UChar*>(in.data()), static_cast<int32_t>(in.size()), &in_len,
                utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  if (U_FAILURE(err)) return std::nullopt;
  std::u16string out(static_cast<size_t>(in_len) * 4 + 16, u'\0');
  int32_t out_len = unorm2_normalize(norm, reinterpret_cast<const UChar*>(in.data()), in_len,
                                     reinterpret_cast<UChar*>(out.data()),
                                     static_cast<int32_t>(out.size()), &err);
  if (U_FAILURE(err)) return std::nullopt;
  std::string result(static_cast<size_t>(out_len) * 3 + 1, '\0');
  int32_t result_len = 0;
  u_strToUTF8(result.data(), static_cast<int32_t>(result.size()), &result_len,
              reinterpret_cast<const UChar*>(out.data()), out_len, &err);
  if (U_FAILURE(err)) return std::nullopt;
  result.resize(static_cast<size_t>(result_len));
  return result;
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view raw) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front())))
    raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (raw.size() < 3 || raw.size() > 254 || !is_valid_utf8(raw)) return std::nullopt;
  auto folded = nfkc_casefold(raw);
  if (!folded || folded->size() < 3 || folded->size() > 254) return std::nullopt;
  const std::string& email = *folded;
  for (char c : email) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::nullopt;
  }
  // C1 controls and the Unicode spaces that survive folding (U+00A0 folds to
  // a space above; U+0080..U+009F are C2 80..C2 9F).
  for (size_t i = 0; i + 1 < email.size(); ++i) {
    if (static_cast<unsigned char>(email[i]) == 0xC2 &&
        static_cast<unsigned char>(email[i + 1]) < 0xA0) {
      return std::nullopt;
    }
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
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
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

StatusOr<JsonBody> read_json_or_empty(const Request& req,
                                      std::initializer_list<std::string_view> allowed) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return JsonBody::parse("{}", allowed);
  }
  return read_json(req, allowed);
}

Status check_rate(RateLimiter& limiter, const std::string& key, const BucketSpec& spec) {
  RateDecision d = limiter.consume(key, spec);
  if (d.allowed) return Status();
  return too_many_requests((d.retry_after_ms + 999) / 1000);
}

Status check_address_rate(RateLimiter& limiter, const RateSettings& rate, std::string_view scope,
                          const std::string& address, const BucketSpec& spec) {
  const std::string& list = rate.exempt_addresses;
  size_t i = 0;
  while (i < list.size()) {
    size_t j = list.find_first_of(" ,", i);
    if (j == std::string::npos) j = list.size();
    if (j > i && list.compare(i, j - i, address) == 0) return Status();
    i = j + 1;
  }
  return check_rate(limiter, "rl:" + std::string(scope) + ":" + address, spec);
}

}  // namespace cinema
