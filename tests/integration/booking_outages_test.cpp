// Booking while a dependency is down: with RabbitMQ stopped holds and confirms
// succeed and their events wait in the outbox; a MariaDB restart gives 503s
// and leaves no half-written state. Both need CINEMA_STACK_CTL.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "booking_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"
#include "worker_run.h"

namespace itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Booking, RabbitMqDownHoldsAndConfirmsStillSucceedAndStayUnpublished) {
  if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL is not set";
  ASSERT_TRUE(wait_healthy(seconds(60))) << "the stack is not healthy before the test";
  Venue v = make_venue(2, 4);
  Actor a = new_customer("amqp-a");
  Actor b = new_customer("amqp-b");
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  // The control: with RabbitMQ up, the relay (run as cron would) publishes.
  int64_t warm = 0;
  ASSERT_NO_THROW(warm = book(new_customer("amqp-warm"), v.show_id, {ids[7]}));
  EXPECT_TRUE(wait_until(milliseconds(15000),
                         [&] {
                           run_worker();
                           return outbox_rows("booking.confirmed", "reservation_id", warm,
                                              /*unpublished_only=*/true) == 0;
                         }))
      << "with RabbitMQ up, booking.confirmed of reservation " << warm << " was not published";

  ServiceStop stop("rabbitmq");
  ASSERT_TRUE(stop.stopped()) << "svc-stop rabbitmq failed with exit code " << stop.stop_rc();

  std::vector<int64_t> holds;
  std::vector<int64_t> reservations;
  for (int i = 0; i < 3; ++i) {
    const Actor& who = i % 2 == 0 ? a : b;
    HttpResponse h = hold_seats(who, v.show_id, {ids[static_cast<size_t>(i)]});
    ASSERT_EQ(h.status, 201) << "hold while RabbitMQ is down: " << h.describe();
    holds.push_back(json_int(h, "hold_id").value_or(0));
    HttpResponse c = confirm(who, v.show_id, holds.back());
    ASSERT_EQ(c.status, 201) << "confirm while RabbitMQ is down: " << c.describe();
    reservations.push_back(json_int(c, "reservation_id").value_or(0));
  }
  HttpResponse last = hold_seats(b, v.show_id, {ids[4]});
  ASSERT_EQ(last.status, 201) << last.describe();
  holds.push_back(json_int(last, "hold_id").value_or(0));

  for (int64_t h : holds) {
    EXPECT_EQ(outbox_rows("seat.held", "hold_id", h), 1) << "hold " << h;
    EXPECT_EQ(outbox_rows("seat.held", "hold_id", h, /*unpublished_only=*/true), 1)
        << "seat.held of hold " << h << " is marked published although RabbitMQ was down";
  }
  for (int64_t r : reservations) {
    EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", r), 1) << "reservation " << r;
    EXPECT_EQ(outbox_rows("booking.confirmed", "reservation_id", r, true), 1)
        << "booking.confirmed of reservation " << r
        << " is marked published although RabbitMQ was down";
  }
  EXPECT_EQ(stop.restore(), 0) << "svc-start rabbitmq failed";
}

TEST(Booking, MariaDbRestartGives503AndLeavesNoHalfWrittenState) {
  if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL is not set";
  ASSERT_TRUE(wait_healthy(seconds(60))) << "the stack is not healthy before the test";
  Venue v = make_venue(20, 20);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  ASSERT_EQ(ids.size(), 400u);
  // 12 background clients at one hold per 100 ms in turn stay under the
  // per-user hold rate (60/min). Client k cycles through its own 30 seats
  // (k*30 ..), so a seat only ever passes from a client's hold to that same
  // client's next hold (which replaces the previous one); 390.. are the main thread's.
  std::vector<Actor> clients = many_customers(12, "dbout");
  Actor probe = new_customer("dbout-probe");
  Actor after = new_customer("dbout-after");

  struct Outcome {
    int status;
    int64_t hold_id;
    std::string describe;
  };
  std::mutex mu;
  std::vector<Outcome> outcomes;
  std::atomic<bool> stop_flag{false};
  std::atomic<int> ok_count{0};
  std::atomic<int> unavailable_count{0};
  std::thread background([&] {
    for (size_t i = 0; !stop_flag; ++i) {
      const size_t k = i % clients.size();
      const size_t n = i / clients.size();
      HttpResponse r = hold_seats(clients[k], v.show_id, {ids[k * 30 + n % 30]});
      if (r.status == 201) ++ok_count;
      if (r.status == 503) ++unavailable_count;
      {
        std::lock_guard<std::mutex> lock(mu);
        outcomes.push_back({r.status, json_int(r, "hold_id").value_or(0), r.describe()});
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  struct Joiner {
    std::atomic<bool>& flag;
    std::thread& t;
    ~Joiner() {
      flag = true;
      if (t.joinable()) t.join();
    }
  } joiner{stop_flag, background};

  ASSERT_TRUE(wait_until(milliseconds(15000), [&] { return ok_count >= 3; }))
      << "background holds did not succeed before the outage";
  {
    ServiceStop stop("mariadb");
    ASSERT_TRUE(stop.stopped()) << "svc-stop mariadb failed with exit code " << stop.stop_rc();
    for (int i = 0; i < 3; ++i) {
      HttpResponse r = hold_seats(probe, v.show_id, {ids[390 + static_cast<size_t>(i)]});
      EXPECT_TRUE(IsProblem(r, 503)) << "hold while MariaDB is down";
    }
    EXPECT_TRUE(wait_until(milliseconds(10000), [&] { return unavailable_count >= 2; }))
        << "the background client never saw a 503 during the outage";
    ASSERT_EQ(stop.restore(), 0) << "svc-start mariadb failed";
  }

  HttpResponse r;
  EXPECT_TRUE(wait_until(milliseconds(30000), [&] {
    r = hold_seats(after, v.show_id, {ids[395]});
    return r.status != 503;
  })) << "holds still answer 503 30 s after MariaDB came back";
  EXPECT_EQ(r.status, 201) << r.describe();
  const int before_stop = ok_count;
  EXPECT_TRUE(wait_until(milliseconds(10000), [&] { return ok_count >= before_stop + 2; }))
      << "background holds did not recover";
  stop_flag = true;
  background.join();

  std::vector<int64_t> confirmed_holds;
  for (const Outcome& o : outcomes) {
    EXPECT_TRUE(o.status == 201 || o.status == 409 || o.status == 503 || o.status == 429)
        << "unexpected answer around the outage: " << o.describe;
    if (o.status == 201) confirmed_holds.push_back(o.hold_id);
  }
  // Every 201 was durable.
  for (int64_t h : confirmed_holds) {
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds WHERE id = ? AND show_id = ?", h, v.show_id), 1)
        << "hold " << h << " was answered 201 but is not in the database";
  }
  // No half-written state.
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM holds h WHERE h.show_id = ? AND h.status = 'ACTIVE' AND "
                    "NOT EXISTS (SELECT 1 FROM show_seats ss WHERE ss.hold_id = h.id)",
                    v.show_id),
            0)
      << "an ACTIVE hold without seats";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats ss LEFT JOIN holds h ON h.id = ss.hold_id "
                    "WHERE ss.show_id = ? AND ss.status = 'HELD' AND h.id IS NULL",
                    v.show_id),
            0)
      << "a HELD seat whose hold row does not exist";
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM holds h WHERE h.show_id = ? AND NOT EXISTS (SELECT 1 FROM "
              "outbox o WHERE o.event_type = 'seat.held' AND "
              "CAST(JSON_VALUE(o.payload, '$.data.hold_id') AS SIGNED) = h.id)",
              v.show_id),
      0)
      << "a hold without its seat.held outbox row";
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM holds h WHERE h.show_id = ? AND NOT EXISTS (SELECT 1 FROM "
              "outbox o WHERE o.event_type = 'seat.held' AND o.actor_id = h.user_id AND "
              "CAST(JSON_VALUE(o.payload, '$.data.hold_id') AS SIGNED) = h.id)",
              v.show_id),
      0)
      << "a hold whose seat.held event does not name its customer (its audit record)";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM show_seats WHERE show_id = ? AND status = 'RESERVED'",
                    v.show_id),
            0);
  EXPECT_TRUE(wait_healthy(seconds(60)));
}

}  // namespace
}  // namespace itest
