// Process configuration, read once from the environment (see .env.example).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cinema {

struct HostPort {
  std::string host;
  int port = 0;
  bool operator==(const HostPort& o) const { return host == o.host && port == o.port; }
};

// "host:port,host:port" (commas or spaces; "[v6]:port" for IPv6; a missing port
// is `default_port`). Throws std::runtime_error naming `what` on a bad entry.
std::vector<HostPort> parse_host_list(const std::string& text, int default_port,
                                      const std::string& what);

// Client-side TLS of a connection to MariaDB or RabbitMQ: off unless `ca` is set
// (the server is then verified against it); cert and key for client certificates.
struct TlsSettings {
  std::string ca;
  std::string cert;
  std::string key;
  bool enabled() const { return !ca.empty(); }
};

struct DbSettings {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string socket;  // a unix socket path: used instead of host and port when set
  std::string user = "cinema";
  std::string password;
  std::string name = "cinema";
  int connect_timeout_s = 2;
  int read_timeout_s = 10;
  int lock_wait_timeout_s = 5;
  TlsSettings tls;  // CINEMA_DB_SSL_CA / _CERT / _KEY
};

// A MariaDB read replica for catalogue reads (CINEMA_DB_REPLICA_HOST); host
// empty: none, everything reads the primary.
struct ReplicaSettings {
  std::string host;
  int port = 3306;
  int64_t max_lag_s = 5;  // more behind than this (or not replicating): read the primary
};

struct RedisSettings {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string socket;  // a unix socket path: used instead of host and port when set
  std::string password;
  int timeout_ms = 200;
  // Sentinel discovery: when set, the master's address comes from the first
  // sentinel that answers `SENTINEL get-master-addr-by-name <master_name>`,
  // asked again after a connection error or a READONLY reply (a failover).
  std::vector<HostPort> sentinels;
  std::string master_name = "cinema";
};

struct AmqpSettings {
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
  std::string exchange = "cinema.events";
  int timeout_ms = 500;
  // Brokers of a cluster (CINEMA_AMQP_HOSTS), tried in turn on each connect;
  // empty: host and port above.
  std::vector<HostPort> hosts;
  // "classic" (default) or "quorum" for the durable queues. A classic queue
  // cannot be redeclared as quorum: quorum is for a fresh broker (cluster).
  std::string queue_type = "classic";
  TlsSettings tls;  // CINEMA_AMQP_TLS_CA / _CERT / _KEY: amqps
  // The brokers to try, in order: `hosts`, else host:port.
  std::vector<HostPort> endpoints() const;
};

struct JwtSettings {
  std::string secret;
  std::string issuer = "cinema";
  std::string audience = "cinema-api";
  int64_t access_ttl_s = 900;
  int64_t refresh_ttl_s = 7 * 24 * 3600;
};

struct RateSettings {
  int64_t login_burst = 10;
  int64_t login_refill_per_minute = 10;
  int64_t register_burst = 20;
  int64_t register_refill_per_minute = 20;
  int64_t hold_burst = 20;  // per user
  int64_t hold_refill_per_minute = 60;
  // Per client address, across every email: password hashing is the costly part.
  int64_t login_address_burst = 15;
  int64_t login_address_refill_per_minute = 30;
  // Waiting-list joins and leaves, per user.
  int64_t waitlist_burst = 10;
  int64_t waitlist_refill_per_minute = 20;
  // Client addresses the per-address limits skip (space or comma separated),
  // e.g. a monitoring host; empty by default.
  std::string exempt_addresses;
};

// The payment provider (cinema/payment.h).
struct PaymentSettings {
  std::string provider = "mock";  // mock | http
  std::string url;                // http: the gateway's base URL
  std::string secret;             // http: sent as `Authorization: Bearer <secret>`
  int64_t connect_timeout_ms = 1000;
  int64_t timeout_ms = 5000;  // whole call
};

struct Config {
  std::string function_name = "cinema";
  DbSettings db;
  RedisSettings redis;
  AmqpSettings amqp;
  JwtSettings jwt;
  RateSettings rate;
  PaymentSettings payment;
  int64_t argon2_opslimit = 2;
  int64_t argon2_memlimit_kib = 19456;  // OWASP minimum for argon2id: m=19 MiB, t=2
  int64_t max_body_bytes = 64 * 1024;
  int64_t hold_ttl_s = 600;
  int64_t max_held_seats = 20;        // per customer, across all shows
  int64_t max_waitlist_entries = 10;  // open entries per customer
  int64_t account_cache_ttl_s = 10;   // current role/disabled, in Redis; 0: no cache
  int64_t catalog_cache_ttl_s = 30;
  std::string live_publish_socket;  // nginx/nchan publisher socket; empty: no live events
  // Publisher base URLs of nchan on other hosts (CINEMA_LIVE_PUBLISH_URLS, e.g.
  // "http://10.0.0.5:8091"): each message is posted to every one of them (and
  // to the socket above when set), so browsers on every nginx get it.
  std::vector<std::string> live_publish_urls;
  ReplicaSettings replica;
  // HMAC-SHA256 key of ticket codes (functions/tickets), at least 32
  // characters; empty: tickets answer 503.
  std::string ticket_secret;
  // Seat price as a percentage of the show's base price, by seat type.
  int64_t price_vip_percent = 150;
  int64_t price_accessible_percent = 100;
  int64_t price_companion_percent = 0;
  std::string log_level = "info";

  // Worker (functions/worker).
  std::string waitlist_mode = "reserve";  // reserve | offer
  int64_t offer_ttl_s = 600;
  std::string webhook_url;     // empty: notifications are only logged
  std::string webhook_secret;  // HMAC-SHA256 key for X-Cinema-Signature
  int64_t webhook_timeout_ms = 2000;
  int64_t webhook_max_attempts = 6;
  std::string worker_lock_file = "/tmp/cinema-worker.lock";
  // "file" (default): flock on worker_lock_file, one run per host. "db": also
  // MariaDB GET_LOCK on the primary, held for the run, one run per cluster.
  std::string worker_lock = "file";
  int64_t relay_batch = 500;
  int64_t history_retention_hours = 168;  // processed_events
  int64_t audit_retention_days = 400;     // audit_log and published outbox rows (the events
                                          // are audit records too)

  // Reads CINEMA_* variables; throws std::runtime_error naming the variable
  // when a value is malformed or a required secret is missing/too short.
  static Config from_env();
  // Defaults suitable for unit tests (fixed secret, cheap argon2 parameters).
  static Config for_tests();
};

}  // namespace cinema
