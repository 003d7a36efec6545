// The worker's RabbitMQ session: topology, publishing with confirms, and
// pulling messages with explicit ack. One connection per task, channel 1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinema/amqp.h"
#include "cinema/config.h"

namespace cinema::worker {

struct OutgoingMessage {
  std::string message_id;
  std::string routing_key;
  std::string body;
};

enum class PublishOutcome { kAcked, kReturned, kNacked, kUnknown };

struct Delivery {
  uint64_t tag = 0;
  bool redelivered = false;
  std::string routing_key;
  std::string body;
};

class Broker {
 public:
  explicit Broker(AmqpSettings settings);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Connects and declares exchanges, queues and bindings (idempotent). False
  // with a logged reason when the broker is unreachable.
  bool connect();
  // Publishes persistent, mandatory messages in confirm mode and waits for
  // the broker's acks (timeout_ms overall). One outcome per message, in order;
  // kUnknown for any message whose fate is not known (connection lost).
  std::vector<PublishOutcome> publish_confirmed(const std::vector<OutgoingMessage>& batch,
                                                int timeout_ms);
  std::optional<Delivery> get(const char* queue);
  bool ack(uint64_t tag);
  // requeue=false dead-letters the message.
  bool reject(uint64_t tag, bool requeue);

 private:
  void close();
  AmqpSettings settings_;
  void* conn_ = nullptr;
  bool confirm_mode_ = false;
  uint64_t next_tag_ = 1;
};

}  // namespace cinema::worker
