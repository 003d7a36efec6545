// Rolling one function (scripts/deploy-function) while customers book: the
// seat map, hold and confirm functions are rolled one after the other while
// client threads hold, confirm and read the seat map through nginx in a loop.
// No request may fail (no 5xx, no transport error), bookings must go on during
// the rollout, and every process of each rolled function must be a new one.
// The deploy command comes from CINEMA_DEPLOY_CTL (scripts/test-integration).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fixtures.h"
#include "http_client.h"

namespace itest {
namespace {

using std::chrono::milliseconds;

bool deploy_available() {
  const char* ctl = std::getenv("CINEMA_DEPLOY_CTL");
  return ctl != nullptr && *ctl != '\0' && stack_ctl_available();
}

int deploy(const std::string& function) {
  std::string cmd =
      std::string(std::getenv("CINEMA_DEPLOY_CTL")) + " --no-build " + function + " 1>&2";
  int rc = std::system(cmd.c_str());
  return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Process name -> pid of each of a function's processes once every one is
// RUNNING (supervisorctl status; a freshly started one is STARTING for a
// second); empty when that does not happen within a few seconds.
std::map<std::string, std::string> running_pids(const std::string& function) {
  std::map<std::string, std::string> pids;
  bool ready = wait_until(std::chrono::seconds(5), [&] {
    std::istringstream out(stack_ctl_output("ctl status '" + function + ":*'"));
    pids.clear();
    bool all_running = true;
    std::string line;
    while (std::getline(out, line)) {
      std::istringstream words(line);
      std::string name, state, pid_word, pid;
      words >> name >> state >> pid_word >> pid;
      if (name.rfind(function + ":", 0) != 0) continue;
      all_running = all_running && state == "RUNNING" && pid_word == "pid";
      pids[name] = pid.substr(0, pid.find(','));
    }
    return all_running && !pids.empty();
  });
  return ready ? pids : std::map<std::string, std::string>{};
}

// What the booking clients saw.
struct Tally {
  std::atomic<int> requests{0};
  std::atomic<int> bookings{0};
  std::mutex mu;
  std::vector<std::string> failures;  // 5xx or transport errors, described

  // True when the answer is one a client may get during a deploy.
  bool check(const char* what, const HttpResponse& r) {
    requests++;
    if (r.status != 0 && r.status < 500) return true;
    std::lock_guard<std::mutex> lock(mu);
    failures.push_back(std::string(what) + ": " + r.describe());
    return false;
  }
};

// One customer's loop over its own seats (no contention between clients):
// hold a seat, confirm it, read the seat map; a few customers in turn, so the
// per-user hold bucket never runs dry.
void book_until(const std::vector<Actor>& customers, int64_t show_id,
                const std::vector<int64_t>& seats, const std::atomic<bool>& stop, Tally& tally) {
  size_t next = 0;
  while (!stop.load()) {
    if (next < seats.size()) {
      const Actor& a = customers[next % customers.size()];
      HttpResponse h = hold_seats(a, show_id, {seats[next++]});
      if (tally.check("hold", h) && h.status == 201) {
        auto hold_id = json_int(h, "hold_id");
        HttpResponse c = confirm(a, show_id, hold_id.value_or(0));
        if (tally.check("confirm", c) && c.status == 201) tally.bookings++;
      }
    }
    tally.check("seat map", get("/v1/shows/" + std::to_string(show_id) + "/seats"));
    std::this_thread::sleep_for(milliseconds(200));
  }
}

TEST(Deploy, RollingFunctionsWhileCustomersBookFailsNoRequest) {
  if (!deploy_available()) GTEST_SKIP() << "CINEMA_DEPLOY_CTL / CINEMA_STACK_CTL not set";
  const std::vector<std::string> rolled = {"seatmap", "hold", "confirm"};
  std::map<std::string, std::map<std::string, std::string>> before;
  for (const auto& fn : rolled) {
    before[fn] = running_pids(fn);
    ASSERT_FALSE(before[fn].empty()) << fn << ": not every process RUNNING";
  }

  constexpr int kClients = 3;
  Venue v = make_venue(24, 24);  // seats enough for the whole rollout
  std::vector<int64_t> seats = hall_seat_ids(v.hall_id);
  std::vector<std::vector<Actor>> customers(kClients);
  for (auto& group : customers) {
    for (int i = 0; i < 4; ++i) group.push_back(new_customer("deploy"));
  }

  Tally tally;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    std::vector<int64_t> own;
    for (size_t i = static_cast<size_t>(t); i < seats.size(); i += kClients)
      own.push_back(seats[i]);
    clients.emplace_back(book_until, std::cref(customers[static_cast<size_t>(t)]), v.show_id, own,
                         std::cref(stop), std::ref(tally));
  }
  // Booking is under way before the first restart.
  wait_until(std::chrono::seconds(5), [&] { return tally.bookings.load() >= kClients; });

  std::map<std::string, int> deploy_rc, bookings_during;
  for (const auto& fn : rolled) {
    const int bookings_before = tally.bookings.load();
    deploy_rc[fn] = deploy(fn);
    bookings_during[fn] = tally.bookings.load() - bookings_before;
  }
  stop = true;
  for (auto& c : clients) c.join();

  for (const auto& fn : rolled) {
    EXPECT_EQ(deploy_rc[fn], 0) << "scripts/deploy-function " << fn;
    EXPECT_GE(bookings_during[fn], 5) << "bookings went on while " << fn << " was rolled";
    std::map<std::string, std::string> after = running_pids(fn);
    ASSERT_EQ(after.size(), before[fn].size()) << fn << ": not every process RUNNING again";
    for (const auto& [name, pid] : before[fn]) {
      EXPECT_NE(after[name], pid) << name << " was not restarted (same pid)";
    }
  }
  EXPECT_TRUE(tally.failures.empty())
      << tally.failures.size() << " of " << tally.requests.load()
      << " requests failed during the rollout; first: " << tally.failures.front();
  std::cerr << "[deploy] " << tally.requests.load() << " requests, " << tally.bookings.load()
            << " bookings (during the rollout of";
  for (const auto& fn : rolled) std::cerr << " " << fn << ": " << bookings_during[fn];
  std::cerr << "), " << tally.failures.size() << " failed\n";
}

}  // namespace
}  // namespace itest
