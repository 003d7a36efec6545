// RFC 3339 input and cursor encoding for list endpoints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cinema {

// "2026-11-22T18:30:00Z" or with an offset ("+02:00"); fractional seconds
// are accepted and dropped. Epoch seconds, or nullopt when invalid.
std::optional<int64_t> parse_rfc3339(std::string_view text);

// Opaque pagination cursors: base64url of a small JSON document.
std::string encode_cursor(const std::string& json);
std::optional<std::string> decode_cursor(std::string_view cursor);

}  // namespace cinema
