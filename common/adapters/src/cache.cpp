#include "cinema/cache.h"

#include <algorithm>

#include "cinema/crypto.h"

namespace cinema {

std::string CatalogCache::current_key(const std::string& key) {
  auto gen = redis_.command({"GET", "catalog:gen"});
  if (!gen) return "";
  generation_ = gen->kind == RedisValue::Kind::kString ? gen->str : "0";
  return "catalog:" + generation_ + ":" + key;
}

std::optional<std::string> CatalogCache::get(const std::string& key) {
  std::string k = current_key(key);
  if (k.empty()) return std::nullopt;
  auto v = redis_.command({"GET", k});
  if (!v || v->kind != RedisValue::Kind::kString) return std::nullopt;
  return v->str;
}

void CatalogCache::put(const std::string& key, const std::string& body) {
  // Store under the generation read before the database query, so a write
  // that committed in between makes this entry unreachable, not stale.
  if (generation_.empty()) return;
  redis_.command({"SET", "catalog:" + generation_ + ":" + key, body, "EX", std::to_string(ttl_s_)});
}

void CatalogCache::invalidate() {
  redis_.command({"INCR", "catalog:gen"});
}

namespace {
const char* const kSeatMapEntry = R"lua(
local e = redis.call('GET', KEYS[1])
if not e then return nil end
return {e, redis.call('PTTL', KEYS[1])}
)lua";

std::string version_key(int64_t show_id) {
  return "seatmap:" + std::to_string(show_id);
}
}  // namespace

std::optional<std::string> SeatMapCache::version(int64_t show_id) {
  auto r = redis_.command({"GET", version_key(show_id)});
  if (!r) return std::nullopt;
  if (r->kind == RedisValue::Kind::kString) return r->str;
  // No version yet (or Redis lost its data): start from a random number, so
  // a version seen before a Redis restart never comes back meaning other seats.
  std::string start = std::to_string(std::stoull(random_hex(6), nullptr, 16));
  redis_.command({"SET", version_key(show_id), start, "NX"});
  r = redis_.command({"GET", version_key(show_id)});
  if (!r || r->kind != RedisValue::Kind::kString) return std::nullopt;
  return r->str;
}

std::optional<SeatMapCache::Entry> SeatMapCache::get(int64_t show_id, const std::string& version) {
  auto r = redis_.eval(kSeatMapEntry, {version_key(show_id) + ":" + version}, {});
  if (!r || r->kind != RedisValue::Kind::kArray || r->elements.size() != 2) return std::nullopt;
  const std::string& e = r->elements[0].str;
  size_t nl = e.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  return Entry{e.substr(0, nl), e.substr(nl + 1), r->elements[1].integer};
}

void SeatMapCache::put(int64_t show_id, const std::string& version, const Entry& entry, int ttl_s) {
  redis_.command({"SET", version_key(show_id) + ":" + version, entry.etag + "\n" + entry.gzip_body,
                  "EX", std::to_string(std::max(1, ttl_s))});
}

void SeatMapCache::bump(int64_t show_id) {
  redis_.command({"INCR", version_key(show_id)});
}

std::string etag_of(const std::string& body) {
  return "\"" + sha256_hex(body).substr(0, 16) + "\"";
}

Response conditional(const Request& req, Response resp) {
  if (resp.status != 200) return resp;
  std::string tag = etag_of(resp.body);
  resp.headers.emplace_back("ETag", tag);
  std::string inm = req.header("if-none-match");
  if (!inm.empty() && (inm == "*" || inm.find(tag) != std::string::npos)) {
    resp.status = 304;
    resp.body.clear();
    resp.content_type.clear();
  }
  return resp;
}

}  // namespace cinema
