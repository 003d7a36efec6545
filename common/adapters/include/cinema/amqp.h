// RabbitMQ (librabbitmq-c) for the functions: the event topology and a health
// check. Functions publish nothing (cinema/outbox.h); the worker has its own
// session that relays and consumes (functions/worker/broker.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cinema/config.h"

namespace cinema {

// The event topology, declared (idempotently) by every connection that
// publishes, so no event is ever published before its queues exist.
inline constexpr const char* kWaitlistQueue = "cinema.waitlist";            // seat.released
inline constexpr const char* kNotificationsQueue = "cinema.notifications";  // booking.*, waitlist.*
inline constexpr const char* kRecentQueue = "cinema.recent";  // every event, bounded, not durable
inline constexpr const char* kLegacyArchiveQueue = "cinema.archive";  // deleted at declare
inline constexpr const char* kDeadLetterExchange = "cinema.dlx";
inline constexpr const char* kDeadLetterQueue = "cinema.dead";

// Declares exchanges, queues and bindings on channel 1 of `connection` (an
// amqp_connection_state_t). False when a step fails. queue_type "quorum"
// declares the durable queues as quorum queues (replicated across a
// cluster); a classic queue of the same name already there makes it fail.
bool declare_event_topology(void* connection, const std::string& exchange,
                            const std::string& queue_type = "classic");

// Opens `connection`'s socket (plain TCP, or TLS when settings.tls is set) to
// the brokers of settings.endpoints() in turn, beginning with the one at
// `*next` (then left pointing at the broker connected to, so a reconnect
// tries it first). Returns a description of the broker ("host:port"), or ""
// when none accepted within timeout_ms each.
std::string open_broker_socket(void* connection, const AmqpSettings& settings, int timeout_ms,
                               size_t* next);

// True when an event with this routing key reaches a durable queue of the
// topology above (the waiting list, notifications), so it must be published
// persistent. Anything else reaches only the non-durable recent queue, and a
// persistent publish of it would cost the broker a disk write for nothing
// (every seat.held of an on-sale rush).
bool routes_to_durable_queue(const std::string& routing_key);

// One connection per process, opened on first use and reopened after loss
// (with a back-off), that declares the topology.
class BrokerCheck {
 public:
  explicit BrokerCheck(AmqpSettings settings);
  ~BrokerCheck();
  BrokerCheck(const BrokerCheck&) = delete;
  BrokerCheck& operator=(const BrokerCheck&) = delete;

  // Connects if needed and checks the exchange with a passive declare.
  bool healthy();
  // Messages ready in `queue` (a passive declare); nullopt when the broker or
  // the queue is not there.
  std::optional<int64_t> queue_depth(const char* queue);

 private:
  bool ensure_connected();
  void disconnect();
  AmqpSettings settings_;
  void* conn_ = nullptr;  // amqp_connection_state_t
  int64_t retry_after_ms_ = 0;
  size_t next_endpoint_ = 0;
};

}  // namespace cinema
