// An event as written to the outbox and published to RabbitMQ.
#pragma once

#include <string>

namespace cinema {

struct OutboxEvent {
  std::string event_id;  // UUID v4
  std::string type;      // also the routing key, e.g. "seat.held"
  std::string body;      // {"event_id","type","occurred_at","data":{...}}
};

}  // namespace cinema
