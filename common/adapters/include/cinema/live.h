// Live seat changes for browsers: after a commit, functions post one small
// message to nginx's nchan publisher (a unix socket of the local nginx);
// subscribers of GET /v1/shows/{id}/events (EventSource, WebSocket or
// long-poll) receive it. Best effort: a lost message only means a client
// refreshes its seat map later; the seat map itself is always right.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cinema/event.h"

namespace cinema {

class LivePublisher {
 public:
  // `socket_path` empty: disabled.
  explicit LivePublisher(std::string socket_path) : socket_path_(std::move(socket_path)) {}
  ~LivePublisher();
  LivePublisher(const LivePublisher&) = delete;
  LivePublisher& operator=(const LivePublisher&) = delete;

  // Publishes one message: a line {"type","show_id","status","seat_ids"} per
  // seat event; no user data leaves. Never throws.
  void publish(int64_t show_id, const std::vector<OutboxEvent>& events);

 private:
  std::string socket_path_;
  void* curl_ = nullptr;  // CURL*, reused (keep-alive on the socket)
  int64_t retry_after_ms_ = 0;
};

// The public message for one outbox event, or "" when it is not a seat change.
std::string live_message(int64_t show_id, const OutboxEvent& e);

}  // namespace cinema
