// Read caches in Redis (never the truth) and HTTP validators.
//
// The catalogue cache is generational: every entry's key embeds the current
// value of `catalog:gen`; an owner write bumps it after commit, so all older
// entries stop being read at once and age out by TTL. If Redis is down,
// readers go to MariaDB; a bump lost in an outage can leave entries stale for
// at most their TTL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cinema/http.h"
#include "cinema/redis.h"

namespace cinema {

class CatalogCache {
 public:
  CatalogCache(Redis& redis, int ttl_s) : redis_(redis), ttl_s_(ttl_s) {}
  // Cached body for `key` in the current generation.
  std::optional<std::string> get(const std::string& key);
  void put(const std::string& key, const std::string& body);
  // Makes every entry of older generations unreachable. Call after commit.
  void invalidate();

 private:
  std::string current_key(const std::string& key);
  Redis& redis_;
  int ttl_s_;
  std::string generation_;
};

// Rendered seat maps, keyed by a per-show version that every seat change
// bumps after its commit (before the writer answers). A reader reads version
// and map in one round trip; a map stored under an old version is never read
// again. Redis down: the reader renders from MariaDB every time.
class SeatMapCache {
 public:
  explicit SeatMapCache(Redis& redis) : redis_(redis) {}
  struct Lookup {
    std::string version;               // "0" before the first change
    std::optional<std::string> entry;  // "<etag>\n<body>" when cached
  };
  std::optional<Lookup> lookup(int64_t show_id);
  void put(int64_t show_id, const std::string& version, const std::string& entry, int ttl_s);
  // Call after commit of any hold/release/confirm/cancel/expiry on the show.
  void bump(int64_t show_id);

 private:
  Redis& redis_;
};

// A strong ETag for `body` ("\"<16 hex>\"").
std::string etag_of(const std::string& body);
// Adds ETag to a 200 response; answers 304 without a body when the request's
// If-None-Match carries the same tag (or "*").
Response conditional(const Request& req, Response resp);

}  // namespace cinema
