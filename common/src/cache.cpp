#include "cinema/cache.h"

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
