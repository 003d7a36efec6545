#include "cinema/context.h"

#include <chrono>

#include "cinema/log.h"
#include "cinema/mariadb_booking_store.h"

namespace cinema {
namespace {

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

// The replica's lag (Seconds_Behind_Master); nullopt when it does not
// replicate (threads stopped, not a replica, no right to look).
static std::optional<int64_t> replica_lag(Session& s) {
  Rows r = s.query("SHOW SLAVE STATUS");
  if (!r->next() || r->isNull("Seconds_Behind_Master")) return std::nullopt;
  return r->getInt64("Seconds_Behind_Master");
}

Database* Context::usable_replica() {
  const auto& rs = config_.replica;
  if (rs.host.empty()) return nullptr;
  int64_t now = steady_ms();
  if (replica_checked_ms_ != 0 && now - replica_checked_ms_ < 1000) {
    return replica_ok_ ? replica_.get() : nullptr;
  }
  replica_checked_ms_ = now;
  if (!replica_) {
    DbSettings s = config_.db;
    s.host = rs.host;
    s.port = rs.port;
    s.socket.clear();
    s.connect_timeout_s = 1;
    replica_ = std::make_unique<Database>(s);
  }
  bool was_ok = replica_ok_;
  std::optional<int64_t> lag;
  std::string why;
  try {
    lag = replica_->autocommit([](Session& s) { return replica_lag(s); });
    if (!lag) why = "not replicating";
  } catch (const std::exception& e) {
    why = e.what();
  }
  replica_ok_ = lag && *lag <= rs.max_lag_s;
  if (lag && !replica_ok_) why = "lag " + std::to_string(*lag) + " s";
  if (replica_ok_ != was_ok) {
    if (replica_ok_) {
      log(LogLevel::kInfo, "catalogue reads use the replica", {{"host", rs.host}});
    } else {
      log(LogLevel::kWarn, "catalogue reads use the primary", {{"host", rs.host}, {"why", why}});
    }
  }
  return replica_ok_ ? replica_.get() : nullptr;
}

void Context::replica_lost() {
  if (replica_ok_) {
    log(LogLevel::kWarn, "catalogue reads use the primary",
        {{"host", config_.replica.host}, {"why", "replica lost"}});
  }
  replica_ok_ = false;
  replica_checked_ms_ = steady_ms();
}

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

BookingStore& Context::bookings() {
  if (!bookings_) bookings_ = std::make_unique<MariaBookingStore>(*this);
  return *bookings_;
}

LivePublisher& Context::live() {
  if (!live_)
    live_ = std::make_unique<LivePublisher>(config_.live_publish_socket, config_.live_publish_urls);
  return *live_;
}

}  // namespace cinema
