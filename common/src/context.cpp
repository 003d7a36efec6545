#include "cinema/context.h"

namespace cinema {

Context::Context(Config config, std::unique_ptr<Clock> clock)
    : config_(std::move(config)), clock_(std::move(clock)) {}

Database& Context::db() {
  if (!db_) db_ = std::make_unique<Database>(config_.db);
  return *db_;
}

Redis& Context::redis() {
  if (!redis_) redis_ = std::make_unique<Redis>(config_.redis);
  return *redis_;
}

RateLimiter& Context::limiter() {
  if (!limiter_) limiter_ = std::make_unique<RateLimiter>(&redis(), *clock_);
  return *limiter_;
}

Publisher& Context::publisher() {
  if (!publisher_) publisher_ = std::make_unique<Publisher>(config_.amqp);
  return *publisher_;
}

LivePublisher& Context::live() {
  if (!live_) live_ = std::make_unique<LivePublisher>(config_.live_publish_socket);
  return *live_;
}

}  // namespace cinema
