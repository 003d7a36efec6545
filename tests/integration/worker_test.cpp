// The scheduled worker against the real stack: waiting-list assignment after
// cancellations and expiries, concurrent and killed runs, the outbox relay
// after a broker outage, and signed webhooks.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cinema/crypto.h"
#include "fixtures.h"
#include "worker_run.h"

namespace itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// With a payment token: in reserve mode (the default) an entry is assigned a
// reservation only when it can be charged; without one it gets an offer
// (waitlist_payment_test.cpp).
HttpResponse join_waitlist(const Actor& a, int64_t show_id, int seats, bool together) {
  return post(
      "/v1/shows/" + std::to_string(show_id) + "/waitlist",
      JsonObj().i("seats", seats).b("together", together).s("payment_token", "tok_test_visa").str(),
      a.auth());
}

struct EntryState {
  std::string status;
  int64_t reservation_id = -1;
};

EntryState entry_of(const Actor& a, int64_t show_id) {
  auto rows = sql_rows(
      "SELECT status, reservation_id FROM waitlist_entries WHERE user_id = ? AND show_id = ? "
      "ORDER BY id DESC LIMIT 1",
      a.id(), show_id);
  if (rows.empty()) return {"<none>", -1};
  return {rows[0][0].value_or(""), rows[0][1] ? std::stoll(*rows[0][1]) : -1};
}

std::vector<int64_t> reservation_seat_ids(int64_t reservation_id) {
  std::vector<int64_t> out;
  for (const auto& row : sql_rows("SELECT seat_id FROM reservation_seats WHERE reservation_id = ? "
                                  "AND active = 1 ORDER BY seat_id",
                                  reservation_id)) {
    out.push_back(std::stoll(*row[0]));
  }
  return out;
}

HttpResponse cancel_reservation(const Actor& a, int64_t reservation_id) {
  return del("/v1/reservations/" + std::to_string(reservation_id), "", a.auth());
}

TEST(Worker, JoiningTheWaitingListNeedsASoldOutShow) {
  Venue v = make_venue(1, 2);
  Actor b = new_customer("wl-early");
  HttpResponse r = join_waitlist(b, v.show_id, 1, true);
  EXPECT_TRUE(IsProblem(r, 409)) << "seats are free: book directly";
  HttpResponse more = join_waitlist(b, v.show_id, 3, true);
  ASSERT_EQ(more.status, 201) << more.describe();
  EXPECT_EQ(json_int(more, "position"), 1);
  EXPECT_TRUE(IsProblem(join_waitlist(b, v.show_id, 3, true), 409)) << "one entry per user";
  EXPECT_TRUE(IsProblem(join_waitlist(b, v.show_id, 11, true), 400));
  HttpResponse mine = get("/v1/my-waitlist", b.auth());
  ASSERT_EQ(mine.status, 200);
  EXPECT_NE(mine.body.find("\"status\":\"WAITING\""), std::string::npos) << mine.body;
  EXPECT_EQ(del("/v1/shows/" + std::to_string(v.show_id) + "/waitlist", "", b.auth()).status, 204);
  EXPECT_EQ(entry_of(b, v.show_id).status, "CANCELLED");
}

TEST(Worker, CancellationOfASoldOutShowGoesToTheFirstWaiter) {
  Venue v = make_venue(1, 2);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor a = new_customer("wl-holder");
  int64_t r1 = book(a, v.show_id, {ids[0]});
  book(a, v.show_id, {ids[1]});
  Actor first = new_customer("wl-first");
  Actor second = new_customer("wl-second");
  ASSERT_EQ(join_waitlist(first, v.show_id, 1, true).status, 201);
  HttpResponse s = join_waitlist(second, v.show_id, 1, true);
  ASSERT_EQ(s.status, 201);
  EXPECT_EQ(json_int(s, "position"), 2);

  ASSERT_EQ(cancel_reservation(a, r1).status, 200);
  ASSERT_EQ(run_worker(), 0);

  EntryState e1 = entry_of(first, v.show_id);
  EXPECT_EQ(e1.status, "ASSIGNED");
  ASSERT_GT(e1.reservation_id, 0);
  EXPECT_EQ(reservation_seat_ids(e1.reservation_id), std::vector<int64_t>{ids[0]});
  EXPECT_EQ(entry_of(second, v.show_id).status, "WAITING") << "only one seat was freed";
  EXPECT_EQ(seat_map(v.show_id).status_of(ids[0]), "RESERVED");
  HttpResponse mine = get("/v1/my-reservations", first.auth());
  EXPECT_NE(mine.body.find("\"source\":\"WAITLIST\""), std::string::npos) << mine.body;
  // The same run relayed the events and logged the user's notification.
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM notifications WHERE event_type = 'waitlist.assigned' "
                    "AND user_id = ?",
                    first.id()),
            1);
}

// A run that works through its minute (`--for`, as cron starts it) relays
// and consumes as things happen: a cancellation made while it runs reaches
// the waiting customer during that run, with no further run.
TEST(Worker, AContinuousRunAssignsFreedSeatsWhileItRuns) {
  Venue v = make_venue(1, 1);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor a = new_customer("wl-cont-holder");
  int64_t r = book(a, v.show_id, {ids[0]});
  Actor waiter = new_customer("wl-cont");
  ASSERT_EQ(join_waitlist(waiter, v.show_id, 1, true).status, 201);
  // Drain what earlier tests left, so this run starts with a clean outbox.
  ASSERT_EQ(run_worker(), 0);

  int rc = -1;
  std::thread run([&] { rc = run_worker("--for 8"); });
  std::this_thread::sleep_for(milliseconds(1500));  // the run is up and consuming
  EXPECT_EQ(cancel_reservation(a, r).status, 200);
  bool assigned =
      wait_until(seconds(6), [&] { return entry_of(waiter, v.show_id).status == "ASSIGNED"; });
  run.join();  // before any ASSERT: a joinable thread must not be destroyed
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(assigned) << "the running worker did not assign the freed seat";
  EXPECT_EQ(seat_map(v.show_id).status_of(ids[0]), "RESERVED");
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM notifications WHERE event_type = 'waitlist.assigned' "
                    "AND user_id = ?",
                    waiter.id()),
            1);
}

// The broker goes away in the middle of a continuous run: the waiting list
// still gets the freed seat (the scan needs only the database), the events
// wait in the outbox, and once the broker is back the same run reconnects,
// publishes every one of them and delivers the notification.
TEST(Worker, AContinuousRunRidesOutABrokerOutage) {
  if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL is not set";
  Venue v = make_venue(1, 1);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor a = new_customer("wl-outage-holder");
  int64_t r = book(a, v.show_id, {ids[0]});
  Actor waiter = new_customer("wl-outage");
  ASSERT_EQ(join_waitlist(waiter, v.show_id, 1, true).status, 201);
  ASSERT_EQ(run_worker(), 0);  // a clean outbox to start from

  int rc = -1;
  std::thread run([&] { rc = run_worker("--for 40"); });
  std::this_thread::sleep_for(milliseconds(1500));
  bool assigned = false, published = false;
  {
    ServiceStop stop("rabbitmq");
    EXPECT_TRUE(stop.stopped()) << "svc-stop rabbitmq failed: " << stop.stop_rc();
    EXPECT_EQ(cancel_reservation(a, r).status, 200);
    assigned =
        wait_until(seconds(8), [&] { return entry_of(waiter, v.show_id).status == "ASSIGNED"; });
    EXPECT_GT(sql_int("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"), 0)
        << "events published while the broker was down";
    EXPECT_EQ(stop.restore(), 0) << "svc-start rabbitmq failed";
    published = wait_until(seconds(20), [&] {
      return sql_int("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL") == 0;
    });
  }
  bool notified = wait_until(seconds(10), [&] {
    return sql_int(
               "SELECT COUNT(*) FROM notifications WHERE event_type = 'waitlist.assigned' AND "
               "user_id = ?",
               waiter.id()) == 1;
  });
  run.join();  // before any ASSERT: a joinable thread must not be destroyed
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(assigned) << "no assignment while the broker was down";
  EXPECT_TRUE(published) << "the run did not publish the outbox once the broker was back";
  EXPECT_TRUE(notified) << "the run did not consume the notification once the broker was back";
  EXPECT_EQ(seat_map(v.show_id).status_of(ids[0]), "RESERVED");
}

TEST(Worker, GroupWaitsForAdjacentSeatsWhileALaterSingleTakesALoneSeat) {
  Venue v = make_venue(1, 5);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor a = new_customer("wl-grp-holder");
  std::vector<int64_t> res;
  for (int64_t id : ids) res.push_back(book(a, v.show_id, {id}));
  Actor group = new_customer("wl-group");
  Actor single = new_customer("wl-single");
  ASSERT_EQ(join_waitlist(group, v.show_id, 3, true).status, 201);
  ASSERT_EQ(join_waitlist(single, v.show_id, 1, true).status, 201);

  ASSERT_EQ(cancel_reservation(a, res[0]).status, 200);  // a lone seat at the row's end
  ASSERT_EQ(run_worker(), 0);
  EXPECT_EQ(entry_of(group, v.show_id).status, "WAITING");
  EntryState s = entry_of(single, v.show_id);
  ASSERT_EQ(s.status, "ASSIGNED") << "a later, smaller entry may take what the group cannot use";
  EXPECT_EQ(reservation_seat_ids(s.reservation_id), std::vector<int64_t>{ids[0]});

  ASSERT_EQ(cancel_reservation(a, res[2]).status, 200);
  ASSERT_EQ(cancel_reservation(a, res[3]).status, 200);
  ASSERT_EQ(run_worker(), 0);
  EXPECT_EQ(entry_of(group, v.show_id).status, "WAITING") << "two adjacent seats are not three";

  ASSERT_EQ(cancel_reservation(a, res[4]).status, 200);
  ASSERT_EQ(run_worker(), 0);
  EntryState g = entry_of(group, v.show_id);
  ASSERT_EQ(g.status, "ASSIGNED");
  EXPECT_EQ(reservation_seat_ids(g.reservation_id), (std::vector<int64_t>{ids[2], ids[3], ids[4]}));
}

TEST(Worker, AnExpiredHoldFreesSeatsForTheWaitingList) {
  Venue v = make_venue(1, 2);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  Actor a = new_customer("wl-exp-holder");
  HttpResponse h = hold_seats(a, v.show_id, ids);
  ASSERT_EQ(h.status, 201) << h.describe();
  int64_t hold_id = json_int(h, "hold_id").value_or(0);
  Actor b = new_customer("wl-exp-waiter");
  ASSERT_EQ(join_waitlist(b, v.show_id, 2, true).status, 201);
  ASSERT_TRUE(wait_until(milliseconds(15000),
                         [&] { return seat_map(v.show_id).status_of(ids[0]) == "FREE"; }));
  ASSERT_EQ(run_worker(), 0);
  EXPECT_EQ(sql_int("SELECT status = 'EXPIRED' FROM holds WHERE id = ?", hold_id), 1);
  EntryState e = entry_of(b, v.show_id);
  ASSERT_EQ(e.status, "ASSIGNED");
  EXPECT_EQ(reservation_seat_ids(e.reservation_id).size(), 2u);
  EXPECT_TRUE(IsProblem(confirm(a, v.show_id, hold_id), 410));
}

// Fills a show with single-seat reservations of one customer, puts `waiters`
// single-seat entries on its list, then cancels everything.
struct Crowd {
  Venue v;
  std::vector<Actor> waiters;
};

Crowd sold_out_then_freed(int seats, int waiters) {
  Crowd c{make_venue(1, seats), {}};
  std::vector<int64_t> ids = hall_seat_ids(c.v.hall_id);
  Actor a = new_customer("wl-crowd-holder");
  std::vector<int64_t> res;
  for (int64_t id : ids) res.push_back(book(a, c.v.show_id, {id}));
  for (int i = 0; i < waiters; ++i) {
    c.waiters.push_back(new_customer("wl-crowd"));
    HttpResponse j = join_waitlist(c.waiters.back(), c.v.show_id, 1, true);
    if (j.status != 201) throw std::runtime_error("join: " + j.describe());
  }
  for (int64_t r : res) {
    HttpResponse x = cancel_reservation(a, r);
    if (x.status != 200) throw std::runtime_error("cancel: " + x.describe());
  }
  return c;
}

void expect_each_waiter_assigned_once(const Crowd& c) {
  std::set<int64_t> seats;
  for (const Actor& w : c.waiters) {
    EntryState e = entry_of(w, c.v.show_id);
    EXPECT_EQ(e.status, "ASSIGNED");
    for (int64_t s : reservation_seat_ids(e.reservation_id)) {
      EXPECT_TRUE(seats.insert(s).second) << "seat " << s << " given twice";
    }
  }
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM reservations WHERE show_id = ? AND source = 'WAITLIST'",
                    c.v.show_id),
            static_cast<int64_t>(c.waiters.size()));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM (SELECT seat_id FROM reservation_seats WHERE show_id = ? "
                    "AND active = 1 GROUP BY seat_id HAVING COUNT(*) > 1) d",
                    c.v.show_id),
            0);
}

TEST(Worker, ConcurrentRunsNeverAssignTwice) {
  Crowd c = sold_out_then_freed(8, 6);
  // Separate lock files: the lock file is bypassed on purpose, so only the
  // database's per-show serialisation stands between the two runs.
  std::string dir =
      std::getenv("CINEMA_RUN_DIR") != nullptr ? std::getenv("CINEMA_RUN_DIR") : "/tmp";
  int rc1 = -1, rc2 = -1;
  std::thread t1(
      [&] { rc1 = run_worker("--once", "CINEMA_WORKER_LOCK_FILE=" + dir + "/wl-a.lock"); });
  std::thread t2(
      [&] { rc2 = run_worker("--once", "CINEMA_WORKER_LOCK_FILE=" + dir + "/wl-b.lock"); });
  t1.join();
  t2.join();
  EXPECT_EQ(rc1, 0);
  EXPECT_EQ(rc2, 0);
  expect_each_waiter_assigned_once(c);
  EXPECT_EQ(run_worker(), 0);  // a further run changes nothing
  expect_each_waiter_assigned_once(c);
}

TEST(Worker, AKilledRunLosesNothingAndAppliesNothingTwice) {
  Crowd c = sold_out_then_freed(6, 6);
  std::string dir =
      std::getenv("CINEMA_RUN_DIR") != nullptr ? std::getenv("CINEMA_RUN_DIR") : "/tmp";
  std::string pidfile = dir + "/killed-worker.pid";
  std::string cmd = "'" + worker_binary() + "' --for 20 >>'" + dir +
                    "/log/worker-tests.log' 2>&1 & echo $! >'" + pidfile + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::this_thread::sleep_for(milliseconds(150));
  std::string kill = "kill -9 $(cat '" + pidfile + "')";
  ASSERT_EQ(std::system(kill.c_str()), 0);
  std::this_thread::sleep_for(milliseconds(1200));  // past the relay's grace for fresh rows
  ASSERT_EQ(run_worker(), 0);
  expect_each_waiter_assigned_once(c);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL AND "
                    "created_at < NOW(3) - INTERVAL 2 SECOND"),
            0)
      << "events left unpublished after a clean run";
}

// Retention: published outbox rows are audit records, kept like audit_log
// rows for CINEMA_AUDIT_RETENTION_DAYS (400 by default); processed_events
// markers for CINEMA_HISTORY_RETENTION_HOURS (168). Unpublished rows stay
// however old, and so does everything recent.
TEST(Worker, PruneDeletesOnlyOldPublishedHistory) {
  const std::string tag =
      "prune-" + std::to_string(::getpid()) + "-" +
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  auto add_row = [&](const std::string& name, const char* created, const char* published) {
    sql_exec(std::string("INSERT INTO outbox (event_id, event_type, routing_key, aggregate_type, "
                         "aggregate_id, payload, created_at, published_at) VALUES (UUID(), ?, "
                         "'test.prune', 'test', 0, '{}', ") +
                 created + ", " + published + ")",
             tag + "-" + name);
  };
  add_row("old-published", "NOW(3) - INTERVAL 500 DAY", "NOW(3) - INTERVAL 499 DAY");
  add_row("old-unpublished", "NOW(3) - INTERVAL 500 DAY", "NULL");
  add_row("week-old-published", "NOW(3) - INTERVAL 200 HOUR", "NOW(3) - INTERVAL 199 HOUR");
  add_row("recent-published", "NOW(3) - INTERVAL 2 HOUR", "NOW(3) - INTERVAL 1 HOUR");
  sql_exec(
      "INSERT INTO audit_log (action, entity_type, created_at) VALUES "
      "(?, 'test', NOW(3) - INTERVAL 500 DAY), (?, 'test', NOW(3) - INTERVAL 1 DAY)",
      tag + "-old", tag + "-recent");
  sql_exec(
      "INSERT INTO processed_events (consumer, event_id, processed_at) VALUES "
      "(?, 'old', NOW(3) - INTERVAL 200 HOUR), (?, 'recent', NOW(3) - INTERVAL 1 HOUR)",
      tag, tag);
  ASSERT_EQ(run_worker(), 0);
  auto rows = [&](const std::string& name) {
    return sql_int("SELECT COUNT(*) FROM outbox WHERE event_type = ?", tag + "-" + name);
  };
  EXPECT_EQ(rows("old-published"), 0) << "a published row 499 days old is past retention";
  EXPECT_EQ(rows("old-unpublished"), 1) << "an unpublished row is the relay's, never pruned";
  EXPECT_EQ(rows("week-old-published"), 1) << "a week-old event is still an audit record";
  EXPECT_EQ(rows("recent-published"), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", tag + "-old"), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", tag + "-recent"), 1);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM processed_events WHERE consumer = ? AND event_id = 'old'", tag),
      0);
  EXPECT_EQ(
      sql_int("SELECT COUNT(*) FROM processed_events WHERE consumer = ? AND event_id = 'recent'",
              tag),
      1);
}

TEST(Worker, AfterABrokerOutageTheRelayPublishesEveryRowOnce) {
  if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL is not set";
  ASSERT_TRUE(wait_healthy(seconds(60)));
  Venue v = make_venue(1, 4);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  std::vector<int64_t> reservations;
  {
    ServiceStop stop("rabbitmq");
    ASSERT_TRUE(stop.stopped());
    for (int i = 0; i < 3; ++i) {
      reservations.push_back(book(new_customer("relay"), v.show_id, {ids[static_cast<size_t>(i)]}));
    }
    EXPECT_EQ(run_worker(), 0) << "a run with the broker down must still exit cleanly";
    ASSERT_EQ(stop.restore(), 0);
  }
  std::this_thread::sleep_for(milliseconds(1200));
  ASSERT_EQ(run_worker(), 0);
  for (int64_t r : reservations) {
    auto rows = sql_rows(
        "SELECT event_id, published_at IS NOT NULL, attempts FROM outbox WHERE event_type = "
        "'booking.confirmed' AND aggregate_id = ?",
        r);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][1], "1") << "reservation " << r << " not published";
    EXPECT_EQ(rows[0][2], "1") << "published more than once";
    EXPECT_EQ(sql_int("SELECT COUNT(*) FROM notifications WHERE event_id = ?", *rows[0][0]), 1)
        << "consumed once";
  }
  ASSERT_EQ(run_worker(), 0);
  for (int64_t r : reservations) {
    EXPECT_EQ(sql_int("SELECT attempts FROM outbox WHERE event_type = 'booking.confirmed' AND "
                      "aggregate_id = ?",
                      r),
              1)
        << "a second run published again";
  }
}

// A one-connection-at-a-time HTTP receiver on loopback: answers 500 to the
// first request and 200 afterwards, recording what it got.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~WebhookReceiver() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  struct Hit {
    std::string signature, event_id, body;
    int answered = 0;
  };
  std::vector<Hit> hits() {
    std::lock_guard<std::mutex> lock(mu_);
    return hits_;
  }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string in;
      char buf[4096];
      size_t need = std::string::npos;
      while (true) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          size_t cl = lower(in.substr(0, end)).find("content-length:");
          need = end + 4 + (cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 15)));
        }
        if (need != std::string::npos && in.size() >= need) break;
      }
      Hit h;
      size_t end = in.find("\r\n\r\n");
      std::string head = end == std::string::npos ? in : in.substr(0, end);
      h.body = end == std::string::npos ? "" : in.substr(end + 4);
      h.signature = header(head, "x-cinema-signature");
      h.event_id = header(head, "x-cinema-event-id");
      {
        std::lock_guard<std::mutex> lock(mu_);
        h.answered = hits_.empty() ? 500 : 200;
        hits_.push_back(h);
      }
      std::string out = "HTTP/1.1 " + std::to_string(h.answered) +
                        (h.answered == 200 ? " OK" : " Internal Server Error") +
                        "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      send(c, out.data(), out.size(), MSG_NOSIGNAL);
      close(c);
    }
  }
  static std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }
  static std::string header(const std::string& head, const std::string& name) {
    std::string l = lower(head);
    size_t at = l.find("\r\n" + name + ":");
    if (at == std::string::npos) return "";
    size_t start = at + 3 + name.size();
    size_t eol = head.find("\r\n", start);
    std::string v = head.substr(start, eol - start);
    while (!v.empty() && v.front() == ' ') v.erase(v.begin());
    return v;
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<Hit> hits_;
};

TEST(Worker, WebhookGetsSignedNotificationsAndA500IsRetried) {
  ASSERT_EQ(run_worker(), 0);  // drain what earlier tests left in the queues
  Venue v = make_venue(1, 2);
  int64_t reservation = book(new_customer("hook"), v.show_id, {hall_seat_ids(v.hall_id)[0]});
  std::string event_id = *sql_rows(
      "SELECT event_id FROM outbox WHERE event_type = "
      "'booking.confirmed' AND aggregate_id = ?",
      reservation)[0][0];
  const std::string secret = "webhook-test-secret-0123456789";
  WebhookReceiver receiver;
  std::this_thread::sleep_for(milliseconds(1200));  // past the relay's grace
  ASSERT_EQ(run_worker("--once",
                       "CINEMA_WEBHOOK_URL=http://127.0.0.1:" + std::to_string(receiver.port()) +
                           "/hook CINEMA_WEBHOOK_SECRET=" + secret),
            0);
  auto hits = receiver.hits();
  ASSERT_GE(hits.size(), 2u) << "the first answer was 500, so a retry must follow";
  EXPECT_EQ(hits[0].answered, 500);
  int for_event = 0;
  for (const auto& h : hits) {
    EXPECT_EQ(h.signature, "sha256=" + cinema::hex_encode(cinema::hmac_sha256(secret, h.body)));
    if (h.event_id == event_id) ++for_event;
  }
  EXPECT_GE(for_event, 1);
  EXPECT_EQ(*sql_rows("SELECT status FROM notifications WHERE event_id = ?", event_id)[0][0],
            "DELIVERED");
}

}  // namespace
}  // namespace itest

namespace itest {
namespace {

// Offer mode: freed seats are held for the first waiter for a while instead of
// being booked; a claimed offer becomes a reservation through confirm, an
// unclaimed one expires and passes the seat to the next waiter.
TEST(WorkerOfferMode, OffersCanBeClaimedOrPassOn) {
  Venue v = make_venue(1, 1);
  int64_t seat = hall_seat_ids(v.hall_id)[0];
  Actor holder = new_customer("offer-holder");
  int64_t r = book(holder, v.show_id, {seat});
  Actor first = new_customer("offer-first");
  Actor second = new_customer("offer-second");
  ASSERT_EQ(join_waitlist(first, v.show_id, 1, true).status, 201);
  ASSERT_EQ(join_waitlist(second, v.show_id, 1, true).status, 201);
  ASSERT_EQ(cancel_reservation(holder, r).status, 200);

  const std::string offer = "CINEMA_WAITLIST_MODE=offer CINEMA_OFFER_TTL_SECONDS=2";
  ASSERT_EQ(run_worker("--once", offer), 0);
  EXPECT_EQ(entry_of(first, v.show_id).status, "OFFERED");
  EXPECT_EQ(seat_map(v.show_id).status_of(seat), "HELD");
  // Unclaimed: after the offer expires the next run passes the seat on.
  ASSERT_TRUE(wait_until(milliseconds(10000),
                         [&] { return seat_map(v.show_id).status_of(seat) == "FREE"; }));
  ASSERT_EQ(run_worker("--once", offer), 0);
  EXPECT_EQ(entry_of(first, v.show_id).status, "EXPIRED");
  EXPECT_EQ(entry_of(second, v.show_id).status, "OFFERED");
  // Claimed: the offered hold is the user's own; confirming it books the seat.
  int64_t hold_id = sql_int(
      "SELECT hold_id FROM waitlist_entries WHERE user_id = ? AND show_id = ? AND status = "
      "'OFFERED'",
      second.id(), v.show_id);
  ASSERT_GT(hold_id, 0);
  HttpResponse c = confirm(second, v.show_id, hold_id);
  ASSERT_EQ(c.status, 201) << c.describe();
  EXPECT_EQ(entry_of(second, v.show_id).status, "ASSIGNED");
  EXPECT_EQ(seat_map(v.show_id).status_of(seat), "RESERVED");

  // The offer's seat.held has exactly the fields of a customer's hold's
  // (built by place_hold_v3 in SQL and by the worker in C++).
  Actor other = new_customer("offer-compare");
  Venue w = make_venue(1, 1);
  HttpResponse h = hold_seats(other, w.show_id, {hall_seat_ids(w.hall_id)[0]});
  ASSERT_EQ(h.status, 201) << h.describe();
  auto keys_of = [](int64_t held_hold) {
    return sql_rows(
        "SELECT JSON_KEYS(JSON_EXTRACT(payload, '$.data')) FROM outbox WHERE "
        "event_type = 'seat.held' AND CAST(JSON_VALUE(payload, '$.data.hold_id') AS "
        "SIGNED) = ?",
        held_hold);
  };
  auto offered = keys_of(hold_id);
  auto placed = keys_of(json_int(h, "hold_id").value_or(0));
  ASSERT_EQ(offered.size(), 1u);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(offered[0][0], placed[0][0]);
}

}  // namespace
}  // namespace itest
