// RabbitMQ publisher (librabbitmq-c): one connection and channel per process,
// durable topic exchange, persistent messages, the channel in confirm mode.
// Request paths never wait for a confirm: they publish, and later collect
// whatever acks have already arrived (take_confirmed) so those outbox rows can
// be marked published. An event whose ack never arrives stays unpublished and
// the worker's relay sends it again: a duplicate at worst, never a loss.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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
// amqp_connection_state_t). False when a step fails.
bool declare_event_topology(void* connection, const std::string& exchange);

class Publisher {
 public:
  explicit Publisher(AmqpSettings settings);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // False when the broker is unreachable or the write failed; the caller keeps
  // the event unpublished for the relay.
  bool publish(const std::string& routing_key, const std::string& body,
               const std::string& message_id);
  // Message ids the broker has confirmed since the last call; does not block.
  std::vector<std::string> take_confirmed();
  // Connects if needed and checks the exchange with a passive declare.
  bool healthy();

 private:
  bool ensure_connected();
  void disconnect();
  AmqpSettings settings_;
  void* conn_ = nullptr;  // amqp_connection_state_t
  int64_t retry_after_ms_ = 0;
  uint64_t next_tag_ = 1;
  std::map<uint64_t, std::string> unconfirmed_;  // delivery tag -> message id
  std::vector<std::string> confirmed_;
};

}  // namespace cinema
