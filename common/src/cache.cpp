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

void CatalogCache::invalidate() { redis_.command({"INCR", "catalog:gen"}); }

namespace {
const char* const kSeatMapLookup = R"lua(
local v = redis.call('GET', KEYS[1]) or '0'
return {v, redis.call('GET', KEYS[1] .. ':' .. v)}
)lua";

std::string version_key(int64_t show_id) { return "seatmap:" + std::to_string(show_id); }
}  // namespace

std::optional<SeatMapCache::Lookup> SeatMapCache::lookup(int64_t show_id) {
  auto r = redis_.eval(kSeatMapLookup, {version_key(show_id)}, {});
  if (!r || r->kind != RedisValue::Kind::kArray || r->elements.empty()) return std::nullopt;
  Lookup out;
  out.version = r->elements[0].str.empty() ? "0" : r->elements[0].str;
  if (r->elements.size() > 1 && r->elements[1].kind == RedisValue::Kind::kString) {
    out.entry = r->elements[1].str;
  }
  return out;
}

void SeatMapCache::put(int64_t show_id, const std::string& version, const std::string& entry,
                       int ttl_s) {
  redis_.command({"SET", version_key(show_id) + ":" + version, entry, "EX",
                  std::to_string(std::max(1, ttl_s))});
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
