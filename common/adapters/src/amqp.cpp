#include "cinema/amqp.h"

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <string_view>
#include <vector>

#include "cinema/log.h"

namespace cinema {
namespace {

constexpr amqp_channel_t kChannel = 1;
constexpr int64_t kBackoffMs = 1000;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

amqp_connection_state_t state(void* p) {
  return static_cast<amqp_connection_state_t>(p);
}

bool rpc_ok(amqp_connection_state_t conn, const char* what) {
  amqp_rpc_reply_t r = amqp_get_rpc_reply(conn);
  if (r.reply_type == AMQP_RESPONSE_NORMAL) return true;
  log(LogLevel::kWarn, "amqp rpc failed", {{"step", what}, {"reply_type", int(r.reply_type)}});
  return false;
}

amqp_table_entry_t text_arg(const char* key, const char* value) {
  amqp_table_entry_t e;
  e.key = amqp_cstring_bytes(key);
  e.value.kind = AMQP_FIELD_KIND_UTF8;
  e.value.value.bytes = amqp_cstring_bytes(value);
  return e;
}

amqp_table_entry_t int_arg(const char* key, int32_t value) {
  amqp_table_entry_t e;
  e.key = amqp_cstring_bytes(key);
  e.value.kind = AMQP_FIELD_KIND_I32;
  e.value.value.i32 = value;
  return e;
}

}  // namespace

namespace {

struct Binding {
  const char* queue;
  const char* key;  // topic pattern: "*" is exactly one word
};
// The durable queues' bindings, declared by declare_event_topology and read
// by routes_to_durable_queue: one list, so the two cannot drift apart.
constexpr Binding kDurableBindings[] = {
    {kWaitlistQueue, "seat.released"},         {kNotificationsQueue, "booking.*"},
    {kNotificationsQueue, "waitlist.*"},       {kNotificationsQueue, "show.cancelled"},
    {kNotificationsQueue, "payment.refunded"},
};

// Topic matching for patterns of literal words and "*" (no "#" here).
bool topic_matches(std::string_view pattern, std::string_view key) {
  while (true) {
    size_t p = pattern.find('.'), k = key.find('.');
    std::string_view pw = pattern.substr(0, p), kw = key.substr(0, k);
    if (kw.empty() || (pw != "*" && pw != kw)) return false;
    if (p == std::string_view::npos || k == std::string_view::npos) {
      return p == std::string_view::npos && k == std::string_view::npos;
    }
    pattern.remove_prefix(p + 1);
    key.remove_prefix(k + 1);
  }
}

}  // namespace

bool routes_to_durable_queue(const std::string& routing_key) {
  for (const Binding& b : kDurableBindings) {
    if (topic_matches(b.key, routing_key)) return true;
  }
  return false;
}

std::string open_broker_socket(void* connection, const AmqpSettings& settings, int timeout_ms,
                               size_t* next) {
  amqp_connection_state_t c = state(connection);
  const std::vector<HostPort> endpoints = settings.endpoints();
  for (size_t k = 0; k < endpoints.size(); ++k) {
    size_t i = (*next + k) % endpoints.size();
    const HostPort& ep = endpoints[i];
    // A new socket replaces (and frees) the connection's previous one.
    amqp_socket_t* socket = nullptr;
    if (settings.tls.enabled()) {
      socket = amqp_ssl_socket_new(c);
      if (socket == nullptr) return "";
      amqp_ssl_socket_set_verify_peer(socket, 1);
      amqp_ssl_socket_set_verify_hostname(socket, 1);
      if (amqp_ssl_socket_set_cacert(socket, settings.tls.ca.c_str()) != AMQP_STATUS_OK) {
        log(LogLevel::kWarn, "amqp: cannot read the CA", {{"file", settings.tls.ca}});
        return "";
      }
      if (!settings.tls.cert.empty() &&
          amqp_ssl_socket_set_key(socket, settings.tls.cert.c_str(), settings.tls.key.c_str()) !=
              AMQP_STATUS_OK) {
        log(LogLevel::kWarn, "amqp: cannot read the client certificate",
            {{"file", settings.tls.cert}});
        return "";
      }
    } else {
      socket = amqp_tcp_socket_new(c);
      if (socket == nullptr) return "";
    }
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    int rc = amqp_socket_open_noblock(socket, ep.host.c_str(), ep.port, &tv);
    std::string where = ep.host + ":" + std::to_string(ep.port);
    if (rc == AMQP_STATUS_OK) {
      *next = i;
      return where;
    }
    if (endpoints.size() > 1) {
      log(LogLevel::kWarn, "amqp: broker unreachable, trying the next",
          {{"broker", where}, {"error", amqp_error_string2(rc)}});
    }
  }
  *next = (*next + 1) % endpoints.size();
  return "";
}

bool declare_event_topology(void* connection, const std::string& exchange_name,
                            const std::string& queue_type) {
  amqp_connection_state_t c = state(connection);
  auto exchange = [&](const char* name, const char* type) {
    amqp_exchange_declare(c, kChannel, amqp_cstring_bytes(name), amqp_cstring_bytes(type), 0, 1, 0,
                          0, amqp_empty_table);
    return rpc_ok(c, "exchange.declare");
  };
  const bool quorum = queue_type == "quorum";
  auto queue = [&](const char* name, amqp_table_t args, bool durable = true) {
    // Quorum: the same arguments plus x-queue-type (durable queues only).
    std::vector<amqp_table_entry_t> entries(args.entries, args.entries + args.num_entries);
    if (quorum && durable) entries.push_back(text_arg("x-queue-type", "quorum"));
    amqp_table_t all{static_cast<int>(entries.size()), entries.data()};
    amqp_queue_declare(c, kChannel, amqp_cstring_bytes(name), 0, durable ? 1 : 0, 0, 0, all);
    return rpc_ok(c, "queue.declare");
  };
  auto bind = [&](const char* queue_name, const char* exchange, const char* key) {
    amqp_queue_bind(c, kChannel, amqp_cstring_bytes(queue_name), amqp_cstring_bytes(exchange),
                    amqp_cstring_bytes(key), amqp_empty_table);
    return rpc_ok(c, "queue.bind");
  };
  const char* ex = exchange_name.c_str();
  amqp_table_entry_t dlx[] = {text_arg("x-dead-letter-exchange", kDeadLetterExchange)};
  amqp_table_t dlx_args{1, dlx};
  // The recent-events queue makes every routing key routable (so `mandatory`
  // returns only true misconfiguration) and keeps the latest events for
  // operators to look at. It is not durable: the outbox table is the record,
  // and a durable copy of every event cost the broker a disk write per
  // message (half its CPU in the hold benchmark). Its durable predecessor,
  // cinema.archive, is deleted (a no-op once it is gone).
  amqp_table_entry_t recent[] = {int_arg("x-max-length", 100000)};
  amqp_table_t recent_args{1, recent};
  auto drop_legacy = [&](const char* name) {
    amqp_queue_delete(c, kChannel, amqp_cstring_bytes(name), 0, 0);
    return rpc_ok(c, "queue.delete");
  };
  return exchange(ex, "topic") && exchange(kDeadLetterExchange, "fanout") &&
         queue(kDeadLetterQueue, amqp_empty_table) &&
         bind(kDeadLetterQueue, kDeadLetterExchange, "") && queue(kWaitlistQueue, dlx_args) &&
         queue(kNotificationsQueue, dlx_args) &&
         std::all_of(std::begin(kDurableBindings), std::end(kDurableBindings),
                     [&](const Binding& b) { return bind(b.queue, ex, b.key); }) &&
         queue(kRecentQueue, recent_args, false) && bind(kRecentQueue, ex, "#") &&
         drop_legacy(kLegacyArchiveQueue);
}

BrokerCheck::BrokerCheck(AmqpSettings settings) : settings_(std::move(settings)) {}

BrokerCheck::~BrokerCheck() {
  disconnect();
}

void BrokerCheck::disconnect() {
  if (conn_ == nullptr) return;
  // No graceful close handshake: the socket may already be dead.
  amqp_destroy_connection(state(conn_));
  conn_ = nullptr;
}

bool BrokerCheck::ensure_connected() {
  if (conn_ != nullptr) return true;
  if (now_ms() < retry_after_ms_) return false;
  amqp_connection_state_t conn = amqp_new_connection();
  conn_ = conn;
  auto fail = [&](const char* step) {
    log(LogLevel::kWarn, "amqp connect failed", {{"step", step}});
    disconnect();
    retry_after_ms_ = now_ms() + kBackoffMs;
    return false;
  };
  timeval tv{settings_.timeout_ms / 1000, (settings_.timeout_ms % 1000) * 1000};
  if (open_broker_socket(conn, settings_, settings_.timeout_ms, &next_endpoint_).empty()) {
    return fail("open");
  }
  amqp_set_rpc_timeout(conn, &tv);
  amqp_rpc_reply_t login =
      amqp_login(conn, settings_.vhost.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN,
                 settings_.user.c_str(), settings_.password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) return fail("login");
  amqp_channel_open(conn, kChannel);
  if (!rpc_ok(conn, "channel.open")) return fail("channel");
  if (!declare_event_topology(conn, settings_.exchange, settings_.queue_type)) {
    return fail("topology");
  }
  retry_after_ms_ = 0;
  return true;
}

bool BrokerCheck::healthy() {
  if (!ensure_connected()) return false;
  amqp_exchange_declare(state(conn_), kChannel, amqp_cstring_bytes(settings_.exchange.c_str()),
                        amqp_cstring_bytes("topic"), 1, 0, 0, 0, amqp_empty_table);
  if (!rpc_ok(state(conn_), "exchange.declare passive")) {
    disconnect();
    return false;
  }
  return true;
}

std::optional<int64_t> BrokerCheck::queue_depth(const char* queue) {
  if (!ensure_connected()) return std::nullopt;
  // Passive: reports the queue without creating or changing it.
  amqp_queue_declare_ok_t* ok = amqp_queue_declare(
      state(conn_), kChannel, amqp_cstring_bytes(queue), 1, 0, 0, 0, amqp_empty_table);
  if (ok == nullptr || !rpc_ok(state(conn_), "queue.declare passive")) {
    disconnect();  // a failed passive declare closes the channel
    return std::nullopt;
  }
  return static_cast<int64_t>(ok->message_count);
}

}  // namespace cinema
