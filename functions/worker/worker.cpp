#include "worker.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "cinema/log.h"
#include "cinema/metrics.h"
#include "tasks.h"

namespace cinema::worker {
namespace {

volatile sig_atomic_t g_stop = 0;

// With CINEMA_WORKER_LOCK=db: true while this run still holds the cluster-wide
// lock (its connection may have been lost); checked with the slow tasks.
std::function<bool()> g_still_locked;

void on_terminate(int) {
  g_stop = 1;
}

constexpr const char* kWorkerDbLock = "cinema.worker";
constexpr auto kPoll = std::chrono::milliseconds(150);  // outbox relay, consumers
constexpr auto kSlowTasks = std::chrono::seconds(2);    // sweep, scan, webhooks
constexpr auto kPrune = std::chrono::seconds(60);
constexpr auto kReconnect = std::chrono::seconds(1);
constexpr uint16_t kPrefetch = 32;

// Runs one task, logs its count and duration (with `quiet`, only when it did
// something); a task failure (e.g. the database is down) is logged and the
// other tasks still run. False when it failed.
bool timed(const char* name, const std::function<int64_t()>& task, bool quiet = false) {
  auto start = std::chrono::steady_clock::now();
  try {
    int64_t n = task();
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!quiet || n > 0) log(LogLevel::kInfo, "task", {{"task", name}, {"count", n}, {"ms", ms}});
    return true;
  } catch (const std::exception& e) {
    log(LogLevel::kError, "task failed", {{"task", name}, {"error", e.what()}});
    return false;
  }
}

// The time of the worker's latest pass, for /metrics (cinema_worker_last_run_seconds).
void heartbeat(Context& ctx) {
  ctx.redis().command({"SET", kWorkerHeartbeatKey, std::to_string(ctx.clock().now_ms())});
}

void run_tasks(Context& ctx, Deadline deadline) {
  heartbeat(ctx);
  Broker broker(ctx.config().amqp);
  bool have_broker = broker.connect();
  timed("sweep_holds", [&] { return sweep_expired_holds(ctx, deadline); });
  if (have_broker) {
    timed("relay", [&] { return relay_outbox(ctx, broker, deadline); });
    timed("consume_waitlist", [&] { return consume_waitlist(ctx, broker, deadline); });
  }
  timed("scan_waitlists", [&] { return scan_waitlists(ctx, deadline); });
  if (have_broker) {
    // Publish what the steps above wrote, then turn events into notifications.
    timed("relay", [&] { return relay_outbox(ctx, broker, deadline); });
    timed("consume_notifications", [&] { return consume_notifications(ctx, broker, deadline); });
  }
  timed("deliver_webhooks", [&] { return deliver_webhooks(ctx, deadline); });
  timed("settle_payments", [&] { return settle_payments(ctx, deadline); });
  timed("settle_refunds", [&] { return settle_refunds(ctx, deadline); });
  timed("prune_history", [&] { return prune_history(ctx, deadline); });
}

// The run cron starts every minute (`--for 55`) works through it: the relay
// polls the outbox every kPoll and the consumers take deliveries as they come
// (basic.consume with a prefetch), so a cancellation reaches the next waiting
// customer within a poll or two; the slower tasks run every few seconds.
// Publishing and consuming use two connections: confirms and deliveries on
// one connection would interleave.
void run_continuously(Context& ctx, Deadline end) {
  using Clock = std::chrono::steady_clock;
  Broker relay(ctx.config().amqp);
  Broker consumer(ctx.config().amqp);
  Clock::time_point next_connect{}, next_slow{}, next_prune{}, next_relay{};
  while (!should_stop(end)) {
    auto now = Clock::now();
    if (now >= next_connect && (!relay.connected() || !consumer.connected())) {
      if (!relay.connected()) relay.connect();
      if (!consumer.connected() && consumer.connect()) {
        if (!consumer.subscribe(kWaitlistQueue, kPrefetch)) consumer.connect();
        if (consumer.connected() && !consumer.subscribe(kNotificationsQueue, kPrefetch)) {
          consumer.connect();
        }
      }
      next_connect = now + kReconnect;
    }
    // A failed relay (the database is down) waits a second: no error line
    // every poll while an operator is on it.
    if (relay.connected() && now >= next_relay &&
        !timed(
            "relay", [&] { return relay_outbox(ctx, relay, end); }, true)) {
      next_relay = now + kReconnect;
    }
    if (now >= next_slow) {
      if (g_still_locked && !g_still_locked()) {
        log(LogLevel::kWarn, "the worker lock was lost (database connection); stopping this run");
        g_stop = 1;
        break;
      }
      heartbeat(ctx);
      timed(
          "sweep_holds", [&] { return sweep_expired_holds(ctx, end); }, true);
      timed(
          "scan_waitlists", [&] { return scan_waitlists(ctx, end); }, true);
      timed(
          "deliver_webhooks", [&] { return deliver_webhooks(ctx, end); }, true);
      timed(
          "settle_payments", [&] { return settle_payments(ctx, end); }, true);
      timed(
          "settle_refunds", [&] { return settle_refunds(ctx, end); }, true);
      next_slow = now + kSlowTasks;
    }
    if (now >= next_prune) {
      timed("prune_history", [&] { return prune_history(ctx, end); });
      next_prune = now + kPrune;
    }
    const auto poll_end = Clock::now() + kPoll;
    while (!should_stop(end)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(poll_end - Clock::now());
      if (left.count() <= 0) break;
      if (!consumer.connected()) {
        std::this_thread::sleep_for(left);
        break;
      }
      auto d = consumer.next(static_cast<int>(left.count()));
      if (!d) continue;
      bool ok = false;
      try {
        ok = d->consumer_tag == kWaitlistQueue ? handle_waitlist_delivery(ctx, consumer, *d)
                                               : handle_notification_delivery(ctx, consumer, *d);
      } catch (const std::exception& e) {
        log(LogLevel::kError, "delivery failed", {{"error", e.what()}});
      }
      if (!ok) {
        // The database is down: the message went back; wait before taking it again.
        std::this_thread::sleep_for(kReconnect);
        break;
      }
    }
  }
}

int usage() {
  std::fprintf(stderr, "usage: worker --once | --for SECONDS\n");
  return 64;
}

}  // namespace

int64_t drain_queue(Context& ctx, Broker& broker, const char* queue, Deadline deadline,
                    DeliveryHandler handle) {
  int64_t taken = 0;
  while (!should_stop(deadline)) {
    auto d = broker.get(queue);
    if (!d) break;
    ++taken;
    if (!handle(ctx, broker, *d)) break;
  }
  return taken;
}

bool should_stop(Deadline deadline) {
  return g_stop != 0 || std::chrono::steady_clock::now() >= deadline;
}

int run(int argc, char** argv) {
  log_init("worker", "info");
  int64_t for_seconds = -1;
  if (argc == 2 && std::strcmp(argv[1], "--once") == 0) {
    for_seconds = 0;
  } else if (argc == 3 && std::strcmp(argv[1], "--for") == 0) {
    char* end = nullptr;
    for_seconds = std::strtoll(argv[2], &end, 10);
    if (*end != '\0' || for_seconds < 1 || for_seconds > 86400) return usage();
  } else {
    return usage();
  }
  Config config;
  try {
    config = Config::from_env();
  } catch (const std::exception& e) {
    log(LogLevel::kError, "invalid configuration", {{"error", e.what()}});
    return 78;
  }
  config.function_name = "worker";
  log_init("worker", config.log_level);
  std::signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = on_terminate;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  int lock_fd = ::open(config.worker_lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    log(LogLevel::kInfo, "another worker run holds the lock; exiting",
        {{"lock_file", config.worker_lock_file}});
    return 0;
  }
  // One run per cluster: a named lock on the primary, held by this
  // connection for the whole run (released when it closes, also on a crash).
  std::unique_ptr<Database> lock_db;
  if (config.worker_lock == "db") {
    lock_db = std::make_unique<Database>(config.db);
    std::optional<int64_t> got;
    try {
      got = lock_db->autocommit([](Session& s) -> std::optional<int64_t> {
        Rows r = s.query("SELECT GET_LOCK(?, 0) AS got", std::string(kWorkerDbLock));
        if (!r->next() || r->isNull("got")) return std::nullopt;
        return r->getInt64("got");
      });
    } catch (const std::exception& e) {
      log(LogLevel::kWarn, "worker lock: database unavailable; exiting", {{"error", e.what()}});
      close(lock_fd);
      return 0;
    }
    if (got.value_or(0) != 1) {
      log(LogLevel::kInfo, "another worker run holds the database lock; exiting",
          {{"lock", kWorkerDbLock}});
      close(lock_fd);
      return 0;
    }
    log(LogLevel::kInfo, "worker lock taken", {{"lock", kWorkerDbLock}});
    g_still_locked = [&lock_db] {
      try {
        return lock_db->autocommit([](Session& s) {
          Rows r = s.query("SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine",
                           std::string(kWorkerDbLock));
          return r->next() && !r->isNull("mine") && r->getInt64("mine") == 1;
        });
      } catch (const std::exception&) {
        return false;
      }
    };
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Context ctx(config);
  auto start = std::chrono::steady_clock::now();
  // --once still bounds itself, so a stuck dependency cannot pile up runs.
  Deadline end = start + std::chrono::seconds(for_seconds == 0 ? 50 : for_seconds);
  if (for_seconds == 0) {
    run_tasks(ctx, end);
  } else {
    run_continuously(ctx, end);
  }
  log(LogLevel::kInfo, "run finished", {{"stopped_by_signal", g_stop != 0}});
  curl_global_cleanup();
  g_still_locked = nullptr;
  lock_db.reset();  // releases the database lock
  close(lock_fd);   // releases the flock
  return 0;
}

}  // namespace cinema::worker
