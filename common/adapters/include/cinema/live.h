// Live seat changes for browsers: after a commit, functions post one small
// message to nginx's nchan publisher (a unix socket of the local nginx, and/or
// the publisher of every nginx of a cluster by URL, CINEMA_LIVE_PUBLISH_URLS);
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
  // `socket_path` empty and no `urls`: disabled. Each url is a publisher's
  // base ("http://host:port"); messages go to <base>/pub/<show_id>.
  explicit LivePublisher(std::string socket_path, std::vector<std::string> urls = {});
  ~LivePublisher();
  LivePublisher(const LivePublisher&) = delete;
  LivePublisher& operator=(const LivePublisher&) = delete;

  // Publishes one message: a line {"type","show_id","status","seat_ids"} per
  // seat event; no user data leaves. Never throws.
  void publish(int64_t show_id, const std::vector<OutboxEvent>& events);

 private:
  struct Target {
    std::string socket;    // unix socket path, or "" for a URL
    std::string base;      // "http://live" for the socket
    void* curl = nullptr;  // CURL*, reused (keep-alive)
    int64_t retry_after_ms = 0;
  };
  std::vector<Target> targets_;
};

// The public message for one outbox event, or "" when it is not a seat change.
std::string live_message(int64_t show_id, const OutboxEvent& e);

}  // namespace cinema
