// Hashing, randomness and password storage (libsodium + OpenSSL).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cinema/status.h"

namespace cinema {

// `bytes` random bytes from the OS CSPRNG, base64url without padding.
std::string random_token(size_t bytes);
// `bytes` random bytes as lower-case hex.
std::string random_hex(size_t bytes);
std::string sha256_hex(std::string_view data);
// SHA-1, only where a protocol demands it (Redis script ids).
std::string sha1_hex(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hex_encode(std::string_view raw);
std::string base64url_encode(std::string_view raw);
std::optional<std::string> base64url_decode(std::string_view text);
bool constant_time_equal(std::string_view a, std::string_view b);

// argon2id encoded hash ("$argon2id$v=19$m=...,t=...,p=1$..."); throws on
// allocation failure.
std::string hash_password(std::string_view password, int64_t opslimit, int64_t memlimit_kib);
bool verify_password(const std::string& encoded, std::string_view password);
bool password_needs_rehash(const std::string& encoded, int64_t opslimit, int64_t memlimit_kib);

}  // namespace cinema
