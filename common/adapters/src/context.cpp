#include "cinema/context.h"

#include "cinema/log.h"

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

BrokerCheck& Context::broker() {
  if (!broker_) broker_ = std::make_unique<BrokerCheck>(config_.amqp);
  return *broker_;
}

void Context::after_response(std::function<void()> task) {
  if (defer_) {
    deferred_.push_back(std::move(task));
  } else {
    task();
  }
}

void Context::run_after_response() {
  std::vector<std::function<void()>> tasks;
  tasks.swap(deferred_);
  for (auto& t : tasks) {
    try {
      t();
    } catch (const std::exception& e) {
      log(LogLevel::kWarn, "after-response task failed", {{"error", e.what()}});
    }
  }
}

AccountDirectory& Context::accounts() {
  if (!accounts_) {
    accounts_ = std::make_unique<CachedAccounts>(db(), redis(), config_.account_cache_ttl_s);
  }
  return *accounts_;
}

PaymentProvider& Context::payments() {
  if (!payments_) payments_ = make_payment_provider(config_);
  return *payments_;
}

LivePublisher& Context::live() {
  if (!live_) live_ = std::make_unique<LivePublisher>(config_.live_publish_socket);
  return *live_;
}

}  // namespace cinema
