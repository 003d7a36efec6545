// Strict UTF-8: what every text that reaches the database, a log or a
// response must be.
#pragma once

#include <string_view>

namespace cinema {

// True for well-formed UTF-8 (RFC 3629): no overlong forms, no encoded
// surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
bool is_valid_utf8(std::string_view s);

}  // namespace cinema
