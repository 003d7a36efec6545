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
  std::string consumer_tag;  // the queue's name for subscribe(); empty for get()
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
  // Starts a consumer on `queue` (consumer tag = the queue's name) with at
  // most `prefetch` unacknowledged messages in flight. Use a Broker that only
  // consumes: publisher confirms on the same connection would interleave.
  bool subscribe(const char* queue, uint16_t prefetch);
  // The next delivery of any subscribed queue, waiting up to timeout_ms;
  // nullopt on timeout or a lost connection (then connected() is false).
  std::optional<Delivery> next(int timeout_ms);
  bool connected() const { return conn_ != nullptr; }
  bool ack(uint64_t tag);
  // requeue=false dead-letters the message.
  bool reject(uint64_t tag, bool requeue);

 private:
  void close();
  AmqpSettings settings_;
  void* conn_ = nullptr;
  bool confirm_mode_ = false;
  size_t next_endpoint_ = 0;
  uint64_t next_tag_ = 1;
};

}  // namespace cinema::worker
