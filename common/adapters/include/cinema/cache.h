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
// bumps after its commit (before the writer answers). A reader first reads the
// version (a few bytes), so a map stored under an older version is never
// served once a writer has returned. Entries are stored gzip-compressed. Redis
// down: the reader renders from MariaDB every time.
class SeatMapCache {
 public:
  explicit SeatMapCache(Redis& redis) : redis_(redis) {}
  struct Entry {
    std::string etag;
    std::string gzip_body;
    int64_t ttl_ms = 0;  // time left in Redis
  };
  // The show's current version (a random starting number, then +1 per
  // change); nullopt when Redis is unavailable.
  std::optional<std::string> version(int64_t show_id);
  std::optional<Entry> get(int64_t show_id, const std::string& version);
  void put(int64_t show_id, const std::string& version, const Entry& entry, int ttl_s);
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
