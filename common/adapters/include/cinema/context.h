// What a handler gets besides the request: configuration and the process's
// clients (created lazily, so a handler that fails validation never connects).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "cinema/accounts.h"
#include "cinema/amqp.h"
#include "cinema/booking_store.h"
#include "cinema/clock.h"
#include "cinema/config.h"
#include "cinema/db.h"
#include "cinema/live.h"
#include "cinema/payment.h"
#include "cinema/rate_limit.h"
#include "cinema/redis.h"

namespace cinema {

class Context {
 public:
  explicit Context(Config config, std::unique_ptr<Clock> clock = std::make_unique<Clock>());

  const Config& config() const { return config_; }
  const Clock& clock() const { return *clock_; }
  Database& db();
  // Catalogue and search reads (never seat state, holds or confirms): fn runs
  // on the read replica (CINEMA_DB_REPLICA_HOST) when it is reachable and at
  // most CINEMA_DB_REPLICA_MAX_LAG_SECONDS behind (checked at most once a
  // second), else on the primary; a replica lost mid-read falls back too.
  template <class F>
  auto catalogue_read(F&& fn) -> std::invoke_result_t<F&, Session&> {
    if (Database* replica = usable_replica()) {
      try {
        return replica->autocommit(fn);
      } catch (const DbUnavailable&) {
        replica_lost();
      }
    }
    return db().autocommit(fn);
  }
  // Whether the last catalogue_read could use the replica (for tests and logs).
  bool replica_in_use() const { return replica_ok_; }
  Redis& redis();
  RateLimiter& limiter();
  BrokerCheck& broker();
  LivePublisher& live();
  PaymentProvider& payments();
  // The booking tables (cinema/booking_store.h): MariaDB unless a test installs a fake.
  BookingStore& bookings();
  void set_bookings(std::unique_ptr<BookingStore> b) { bookings_ = std::move(b); }
  void set_payments(std::unique_ptr<PaymentProvider> p) { payments_ = std::move(p); }
  // Current account states (role, disabled); unit tests install a fake.
  AccountDirectory& accounts();
  void set_accounts(std::unique_ptr<AccountDirectory> accounts) { accounts_ = std::move(accounts); }
  // The directory if one exists yet (tests check for their fake).
  AccountDirectory* accounts_if_set() { return accounts_.get(); }

  std::string request_id;  // set per request by the serve loop
  // Who this request acts for, once authenticated (0: nobody, the system);
  // events written meanwhile carry it as their audit record.
  int64_t actor_id = 0;
  std::string actor_role;

  // Work to do once the response has been sent (the serve loop runs it after
  // finishing the request); without a serve loop (worker, tests) it runs now.
  void after_response(std::function<void()> task);
  void enable_after_response() { defer_ = true; }
  void run_after_response();

 private:
  Config config_;
  std::unique_ptr<Clock> clock_;
  Database* usable_replica();
  void replica_lost();
  std::unique_ptr<Database> db_;
  std::unique_ptr<Database> replica_;
  int64_t replica_checked_ms_ = 0;
  bool replica_ok_ = false;
  std::unique_ptr<Redis> redis_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<BrokerCheck> broker_;
  std::unique_ptr<LivePublisher> live_;
  std::unique_ptr<AccountDirectory> accounts_;
  std::unique_ptr<PaymentProvider> payments_;
  std::unique_ptr<BookingStore> bookings_;
  bool defer_ = false;
  std::vector<std::function<void()>> deferred_;
};

}  // namespace cinema
