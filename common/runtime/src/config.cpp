#include "cinema/config.h"

#include <cstdlib>
#include <stdexcept>

namespace cinema {
namespace {

std::string env_string(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

int64_t env_int(const char* name, int64_t fallback, int64_t min, int64_t max) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  if (*end != '\0' || n < min || n > max) {
    throw std::runtime_error(std::string(name) + " must be an integer in [" + std::to_string(min) +
                             ", " + std::to_string(max) + "]");
  }
  return n;
}

void env_tls(const char* prefix, TlsSettings& tls) {
  std::string p(prefix);
  tls.ca = env_string((p + "_CA").c_str(), "");
  tls.cert = env_string((p + "_CERT").c_str(), "");
  tls.key = env_string((p + "_KEY").c_str(), "");
  if (tls.ca.empty() && (!tls.cert.empty() || !tls.key.empty())) {
    throw std::runtime_error(p + "_CA must be set when " + p + "_CERT or _KEY is");
  }
  if (tls.cert.empty() != tls.key.empty()) {
    throw std::runtime_error(p + "_CERT and " + p + "_KEY go together");
  }
}

}  // namespace

std::vector<HostPort> parse_host_list(const std::string& text, int default_port,
                                      const std::string& what) {
  std::vector<HostPort> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of(", ", i);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(i, end - i);
    i = end + 1;
    if (item.empty()) continue;
    HostPort hp;
    std::string port;
    if (item.front() == '[') {
      size_t close = item.find(']');
      if (close == std::string::npos) throw std::runtime_error(what + ": bad address " + item);
      hp.host = item.substr(1, close - 1);
      if (close + 1 < item.size()) {
        if (item[close + 1] != ':') throw std::runtime_error(what + ": bad address " + item);
        port = item.substr(close + 2);
      }
    } else {
      size_t colon = item.rfind(':');
      hp.host = item.substr(0, colon);
      if (colon != std::string::npos) port = item.substr(colon + 1);
    }
    if (hp.host.empty()) throw std::runtime_error(what + ": bad address " + item);
    hp.port = default_port;
    if (!port.empty() || item.back() == ':') {
      char* e = nullptr;
      long n = std::strtol(port.c_str(), &e, 10);
      if (port.empty() || *e != '\0' || n < 1 || n > 65535) {
        throw std::runtime_error(what + ": bad port in " + item);
      }
      hp.port = static_cast<int>(n);
    }
    out.push_back(std::move(hp));
  }
  return out;
}

std::vector<HostPort> AmqpSettings::endpoints() const {
  if (!hosts.empty()) return hosts;
  return {HostPort{host, port}};
}

Config Config::from_env() {
  Config c;
  c.function_name = env_string("CINEMA_FUNCTION", c.function_name);
  c.db.host = env_string("CINEMA_DB_HOST", c.db.host);
  c.db.socket = env_string("CINEMA_DB_SOCKET", c.db.socket);
  c.db.port = static_cast<int>(env_int("CINEMA_DB_PORT", c.db.port, 1, 65535));
  c.db.user = env_string("CINEMA_DB_USER", c.db.user);
  c.db.password = env_string("CINEMA_DB_PASSWORD", "");
  c.db.name = env_string("CINEMA_DB_NAME", c.db.name);
  c.redis.host = env_string("CINEMA_REDIS_HOST", c.redis.host);
  c.redis.socket = env_string("CINEMA_REDIS_SOCKET", c.redis.socket);
  c.redis.port = static_cast<int>(env_int("CINEMA_REDIS_PORT", c.redis.port, 1, 65535));
  c.redis.password = env_string("CINEMA_REDIS_PASSWORD", "");
  c.redis.sentinels =
      parse_host_list(env_string("CINEMA_REDIS_SENTINELS", ""), 26379, "CINEMA_REDIS_SENTINELS");
  c.redis.master_name = env_string("CINEMA_REDIS_MASTER_NAME", c.redis.master_name);
  env_tls("CINEMA_DB_SSL", c.db.tls);
  c.replica.host = env_string("CINEMA_DB_REPLICA_HOST", "");
  c.replica.port = static_cast<int>(env_int("CINEMA_DB_REPLICA_PORT", c.db.port, 1, 65535));
  c.replica.max_lag_s = env_int("CINEMA_DB_REPLICA_MAX_LAG_SECONDS", c.replica.max_lag_s, 0, 86400);
  c.amqp.host = env_string("CINEMA_AMQP_HOST", c.amqp.host);
  c.amqp.port = static_cast<int>(env_int("CINEMA_AMQP_PORT", c.amqp.port, 1, 65535));
  c.amqp.user = env_string("CINEMA_AMQP_USER", c.amqp.user);
  c.amqp.password = env_string("CINEMA_AMQP_PASSWORD", c.amqp.password);
  c.amqp.vhost = env_string("CINEMA_AMQP_VHOST", c.amqp.vhost);
  c.amqp.exchange = env_string("CINEMA_AMQP_EXCHANGE", c.amqp.exchange);
  c.amqp.hosts =
      parse_host_list(env_string("CINEMA_AMQP_HOSTS", ""), c.amqp.port, "CINEMA_AMQP_HOSTS");
  c.amqp.queue_type = env_string("CINEMA_AMQP_QUEUE_TYPE", c.amqp.queue_type);
  if (c.amqp.queue_type != "classic" && c.amqp.queue_type != "quorum") {
    throw std::runtime_error("CINEMA_AMQP_QUEUE_TYPE must be classic or quorum");
  }
  env_tls("CINEMA_AMQP_TLS", c.amqp.tls);
  c.jwt.secret = env_string("CINEMA_JWT_SECRET", "");
  if (c.jwt.secret.size() < 32) {
    throw std::runtime_error("CINEMA_JWT_SECRET must be set to at least 32 characters");
  }
  c.jwt.issuer = env_string("CINEMA_JWT_ISSUER", c.jwt.issuer);
  c.jwt.audience = env_string("CINEMA_JWT_AUDIENCE", c.jwt.audience);
  c.jwt.access_ttl_s = env_int("CINEMA_ACCESS_TTL_SECONDS", c.jwt.access_ttl_s, 1, 86400);
  c.jwt.refresh_ttl_s =
      env_int("CINEMA_REFRESH_TTL_SECONDS", c.jwt.refresh_ttl_s, 60, 90LL * 86400);
  c.rate.login_burst = env_int("CINEMA_LOGIN_BURST", c.rate.login_burst, 1, 10'000'000);
  c.rate.login_refill_per_minute =
      env_int("CINEMA_LOGIN_REFILL_PER_MINUTE", c.rate.login_refill_per_minute, 1, 600'000'000);
  c.rate.register_burst = env_int("CINEMA_REGISTER_BURST", c.rate.register_burst, 1, 10'000'000);
  c.rate.register_refill_per_minute = env_int("CINEMA_REGISTER_REFILL_PER_MINUTE",
                                              c.rate.register_refill_per_minute, 1, 600'000'000);
  c.rate.hold_burst = env_int("CINEMA_HOLD_BURST", c.rate.hold_burst, 1, 10'000'000);
  c.rate.hold_refill_per_minute =
      env_int("CINEMA_HOLD_REFILL_PER_MINUTE", c.rate.hold_refill_per_minute, 1, 600'000'000);
  c.rate.login_address_burst =
      env_int("CINEMA_LOGIN_ADDRESS_BURST", c.rate.login_address_burst, 1, 10'000'000);
  c.rate.login_address_refill_per_minute =
      env_int("CINEMA_LOGIN_ADDRESS_REFILL_PER_MINUTE", c.rate.login_address_refill_per_minute, 1,
              600'000'000);
  c.rate.waitlist_burst = env_int("CINEMA_WAITLIST_BURST", c.rate.waitlist_burst, 1, 10'000'000);
  c.rate.waitlist_refill_per_minute = env_int("CINEMA_WAITLIST_REFILL_PER_MINUTE",
                                              c.rate.waitlist_refill_per_minute, 1, 600'000'000);
  c.rate.exempt_addresses = env_string("CINEMA_RATE_EXEMPT_ADDRESSES", "");
  c.max_held_seats = env_int("CINEMA_MAX_HELD_SEATS", c.max_held_seats, 1, 1000);
  c.max_waitlist_entries = env_int("CINEMA_MAX_WAITLIST_ENTRIES", c.max_waitlist_entries, 1, 1000);
  c.account_cache_ttl_s =
      env_int("CINEMA_ACCOUNT_CACHE_TTL_SECONDS", c.account_cache_ttl_s, 0, 300);
  c.argon2_opslimit = env_int("CINEMA_ARGON2_OPSLIMIT", c.argon2_opslimit, 2, 20);
  c.argon2_memlimit_kib =
      env_int("CINEMA_ARGON2_MEMLIMIT_KIB", c.argon2_memlimit_kib, 19456, 4 * 1024 * 1024);
  c.max_body_bytes = env_int("CINEMA_MAX_BODY_BYTES", c.max_body_bytes, 1024, 16 * 1024 * 1024);
  c.hold_ttl_s = env_int("CINEMA_HOLD_TTL_SECONDS", c.hold_ttl_s, 1, 3600);
  c.catalog_cache_ttl_s =
      env_int("CINEMA_CATALOG_CACHE_TTL_SECONDS", c.catalog_cache_ttl_s, 1, 3600);
  c.live_publish_socket = env_string("CINEMA_LIVE_PUBLISH_SOCKET", "");
  {
    std::string urls = env_string("CINEMA_LIVE_PUBLISH_URLS", "");
    size_t i = 0;
    while (i < urls.size()) {
      size_t end = urls.find_first_of(", ", i);
      if (end == std::string::npos) end = urls.size();
      std::string u = urls.substr(i, end - i);
      i = end + 1;
      if (u.empty()) continue;
      if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
        throw std::runtime_error("CINEMA_LIVE_PUBLISH_URLS: " + u + " is not an http(s) URL");
      }
      while (!u.empty() && u.back() == '/') u.pop_back();
      c.live_publish_urls.push_back(u);
    }
  }
  c.ticket_secret = env_string("CINEMA_TICKET_SECRET", "");
  if (!c.ticket_secret.empty() && c.ticket_secret.size() < 32) {
    throw std::runtime_error("CINEMA_TICKET_SECRET must have at least 32 characters");
  }
  c.price_vip_percent = env_int("CINEMA_PRICE_VIP_PERCENT", c.price_vip_percent, 0, 1000);
  c.price_accessible_percent =
      env_int("CINEMA_PRICE_ACCESSIBLE_PERCENT", c.price_accessible_percent, 0, 1000);
  c.price_companion_percent =
      env_int("CINEMA_PRICE_COMPANION_PERCENT", c.price_companion_percent, 0, 1000);
  c.log_level = env_string("CINEMA_LOG_LEVEL", c.log_level);
  c.waitlist_mode = env_string("CINEMA_WAITLIST_MODE", c.waitlist_mode);
  if (c.waitlist_mode != "reserve" && c.waitlist_mode != "offer") {
    throw std::runtime_error("CINEMA_WAITLIST_MODE must be reserve or offer");
  }
  c.offer_ttl_s = env_int("CINEMA_OFFER_TTL_SECONDS", c.offer_ttl_s, 1, 86400);
  c.webhook_url = env_string("CINEMA_WEBHOOK_URL", "");
  c.webhook_secret = env_string("CINEMA_WEBHOOK_SECRET", "");
  if (!c.webhook_url.empty() && c.webhook_secret.size() < 16) {
    throw std::runtime_error("CINEMA_WEBHOOK_SECRET must have at least 16 characters");
  }
  c.webhook_timeout_ms = env_int("CINEMA_WEBHOOK_TIMEOUT_MS", c.webhook_timeout_ms, 100, 60000);
  c.webhook_max_attempts = env_int("CINEMA_WEBHOOK_MAX_ATTEMPTS", c.webhook_max_attempts, 1, 100);
  c.payment.provider = env_string("CINEMA_PAYMENT_PROVIDER", c.payment.provider);
  if (c.payment.provider != "mock" && c.payment.provider != "http") {
    throw std::runtime_error("CINEMA_PAYMENT_PROVIDER must be mock or http");
  }
  c.payment.url = env_string("CINEMA_PAYMENT_HTTP_URL", "");
  c.payment.secret = env_string("CINEMA_PAYMENT_HTTP_SECRET", "");
  if (c.payment.provider == "http") {
    if (c.payment.url.rfind("http://", 0) != 0 && c.payment.url.rfind("https://", 0) != 0) {
      throw std::runtime_error("CINEMA_PAYMENT_HTTP_URL must be an http(s) URL");
    }
    if (c.payment.secret.size() < 16) {
      throw std::runtime_error("CINEMA_PAYMENT_HTTP_SECRET must have at least 16 characters");
    }
  }
  while (!c.payment.url.empty() && c.payment.url.back() == '/') c.payment.url.pop_back();
  c.payment.connect_timeout_ms =
      env_int("CINEMA_PAYMENT_CONNECT_TIMEOUT_MS", c.payment.connect_timeout_ms, 50, 60000);
  c.payment.timeout_ms = env_int("CINEMA_PAYMENT_TIMEOUT_MS", c.payment.timeout_ms, 100, 120000);
  c.worker_lock_file = env_string("CINEMA_WORKER_LOCK_FILE", c.worker_lock_file);
  c.worker_lock = env_string("CINEMA_WORKER_LOCK", c.worker_lock);
  if (c.worker_lock != "file" && c.worker_lock != "db") {
    throw std::runtime_error("CINEMA_WORKER_LOCK must be file or db");
  }
  c.relay_batch = env_int("CINEMA_RELAY_BATCH", c.relay_batch, 1, 10000);
  c.history_retention_hours =
      env_int("CINEMA_HISTORY_RETENTION_HOURS", c.history_retention_hours, 1, 24 * 366 * 10);
  c.audit_retention_days =
      env_int("CINEMA_AUDIT_RETENTION_DAYS", c.audit_retention_days, 1, 366 * 20);
  return c;
}

Config Config::for_tests() {
  Config c;
  c.function_name = "test";
  c.jwt.secret = "unit-test-secret-unit-test-secret-0123456789";
  c.ticket_secret = "unit-test-ticket-secret-unit-test-ticket-0123";
  c.db.port = 1;  // nothing listens: a test that reaches the database fails loudly
  c.redis.port = 1;
  c.amqp.port = 1;
  c.log_level = "error";
  return c;
}

}  // namespace cinema
