// Small input rules shared by several functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cinema/config.h"
#include "cinema/http.h"
#include "cinema/json.h"
#include "cinema/rate_limit.h"
#include "cinema/status.h"

namespace cinema {

// The canonical form of an address (trimmed, NFKC with case folding), if it
// looks like one (local@domain.tld, valid UTF-8, no spaces or control
// characters, at most 254 bytes); nullopt otherwise. Accounts are stored,
// looked up and throttled by this form only.
std::optional<std::string> normalize_email(std::string_view raw);
// Number of UTF-8 code points (continuation bytes not counted).
size_t utf8_length(std::string_view s);
bool has_control_chars(std::string_view s);

// A text field of min..max characters (code points), without control
// characters and (when min > 0) not blank; errors are added to `body`.
std::optional<std::string> read_text(JsonBody& body, std::string_view field, bool required,
                                     size_t min_chars, size_t max_chars);

// The request's JSON object body: 415 unless Content-Type is JSON, 400 when
// empty, malformed, or carrying fields outside `allowed`.
StatusOr<JsonBody> read_json(const Request& req, std::initializer_list<std::string_view> allowed);
// The same, but an empty body (any Content-Type, or none) reads as {}: for
// routes whose every field is optional.
StatusOr<JsonBody> read_json_or_empty(const Request& req,
                                      std::initializer_list<std::string_view> allowed);

// 429 problem with Retry-After when the bucket `key` is empty.
Status check_rate(RateLimiter& limiter, const std::string& key, const BucketSpec& spec);
// The per-client-address bucket "rl:<scope>:<address>", unless the address is
// in CINEMA_RATE_EXEMPT_ADDRESSES.
Status check_address_rate(RateLimiter& limiter, const RateSettings& rate, std::string_view scope,
                          const std::string& address, const BucketSpec& spec);

}  // namespace cinema
