// gzip for cached response bodies: compressed once when cached, sent as is
// to clients that accept it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cinema {

std::string gzip_compress(std::string_view data, int level = 1);
std::optional<std::string> gzip_decompress(std::string_view data);
// True when an Accept-Encoding header value admits gzip.
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace cinema
