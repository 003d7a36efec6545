// gzip for cached response bodies: compressed once when cached, sent as is
// to clients that accept it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cinema {

// Level 5: a 1,200-seat map (143 KB of JSON) becomes 10.0 KB instead of
// 12.7 KB at level 1, for 0.3 ms more per compression (once per map version);
// levels above 6 cost several times more for nothing.
inline constexpr int kGzipLevel = 5;

std::string gzip_compress(std::string_view data, int level = kGzipLevel);
std::optional<std::string> gzip_decompress(std::string_view data);
// True when an Accept-Encoding header value admits gzip.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace cinema
