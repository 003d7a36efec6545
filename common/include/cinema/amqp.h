// RabbitMQ publisher (librabbitmq-c): one connection and channel per process,
// durable topic exchange, persistent messages. Request paths publish without
// waiting for confirms: the outbox row is the durability, the worker's relay
// publishes with confirms.
#pragma once

#include <cstdint>
#include <string>

#include "cinema/config.h"

namespace cinema {

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
  // Connects if needed and checks the exchange with a passive declare.
  bool healthy();

 private:
  bool ensure_connected();
  void disconnect();
  AmqpSettings settings_;
  void* conn_ = nullptr;  // amqp_connection_state_t
  int64_t retry_after_ms_ = 0;
};

}  // namespace cinema
