// Dependency outages: MariaDB, Redis and RabbitMQ are stopped and started again
// through $CINEMA_STACK_CTL while the functions keep running. MariaDB down means
// 503 problems (never 500/502); Redis and RabbitMQ down mean "degraded" but
// serving. Recovery is awaited with bounded polls, never fixed sleeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "http_client.h"

namespace itest {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Polls `done` every 250 ms until it returns true or `limit` has passed.
template <class F>
bool poll_until(seconds limit, F&& done) {
  const auto deadline = Clock::now() + limit;
  while (true) {
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(250));
  }
}

struct Health {
  HttpResponse response;
  std::string status;                         // "ok" / "degraded" (200 only)
  std::map<std::string, std::string> checks;  // dependency -> "up" / "down"

  std::string check(const std::string& name) const {
    auto it = checks.find(name);
    return it == checks.end() ? "<missing>" : it->second;
  }
  bool all_up() const {
    return response.status == 200 && status == "ok" && check("mariadb") == "up" &&
           check("redis") == "up" && check("rabbitmq") == "up";
  }
};

Health get_health() {
  Health h;
  h.response = get("/v1/health");
  auto doc = h.response.json();
  if (doc.HasParseError() || !doc.IsObject()) return h;
  if (doc.HasMember("status") && doc["status"].IsString()) h.status = doc["status"].GetString();
  if (doc.HasMember("checks") && doc["checks"].IsObject()) {
    for (const auto& m : doc["checks"].GetObject()) {
      if (m.value.IsString()) h.checks[m.name.GetString()] = m.value.GetString();
    }
  }
  return h;
}

// Function processes of the auth functions as "group:process" -> pid, from
// `$CINEMA_STACK_CTL ctl status` (supervisorctl). Empty when unavailable.
std::map<std::string, std::string> function_pids() {
  static const std::set<std::string> kGroups = {"health", "login",   "register",
                                                "me",     "refresh", "logout"};
  std::map<std::string, std::string> out;
  std::istringstream in(stack_ctl_output("ctl status"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name, state, pid_word, pid;
    fields >> name >> state >> pid_word >> pid;
    if (name.find(':') == std::string::npos || kGroups.count(name.substr(0, name.find(':'))) == 0) {
      continue;
    }
    if (pid_word == "pid" && !pid.empty() && pid.back() == ',') pid.pop_back();
    out[name] = state + " " + pid;
  }
  return out;
}

// Stops a service for the lifetime of the object and starts it again on
// restore() or, whatever happened in between, in the destructor.
class ServiceOutage {
 public:
  explicit ServiceOutage(std::string name) : name_(std::move(name)) {
    stop_rc_ = stack_ctl("svc-stop " + name_);
  }
  ~ServiceOutage() {
    if (!restored_) {
      int rc = restore();
      if (rc != 0) ADD_FAILURE() << "svc-start " << name_ << " failed with exit code " << rc;
    }
  }
  ServiceOutage(const ServiceOutage&) = delete;
  ServiceOutage& operator=(const ServiceOutage&) = delete;

  bool stopped() const { return stop_rc_ == 0; }
  int stop_rc() const { return stop_rc_; }
  // svc-start; returns its exit code (0 once the service accepts connections).
  int restore() {
    restored_ = true;
    return stack_ctl("svc-start " + name_);
  }

 private:
  std::string name_;
  int stop_rc_ = -1;
  bool restored_ = false;
};

// Logs in, retrying while the answer is a 503 (dependency still recovering)
// or a 429 (honouring Retry-After), for at most `limit`.
HttpResponse login_eventually(const TestUser& user, seconds limit) {
  const auto deadline = Clock::now() + limit;
  HttpResponse r;
  while (true) {
    r = post("/v1/auth/login", json_object({{"email", user.email}, {"password", user.password}}));
    if (r.status != 503 && r.status != 429) return r;
    if (Clock::now() >= deadline) return r;
    auto wait = milliseconds(500);
    if (r.status == 429) {
      std::string ra = r.header("retry-after");
      if (!ra.empty() && ra.find_first_not_of("0123456789") == std::string::npos) {
        wait = seconds(std::stoll(ra));
      }
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    std::this_thread::sleep_for(std::min(wait, std::max(left, milliseconds(0))));
  }
}

class Resilience : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_ctl_available()) {
      GTEST_SKIP() << "CINEMA_STACK_CTL is not set: cannot stop and start services";
    }
    // Start from a healthy stack even if an earlier test left it recovering.
    Health h;
    ASSERT_TRUE(poll_until(seconds(60),
                           [&] {
                             h = get_health();
                             return h.all_up();
                           }))
        << "the stack is not healthy before the test: " << h.response.describe();
    pids_before_ = function_pids();
  }

  // The outage must not have crashed or restarted any function process.
  void ExpectNoFunctionRestarted() {
    if (pids_before_.empty()) {
      std::cerr << "note: `$CINEMA_STACK_CTL ctl status` gave no function processes; "
                   "restart check skipped\n";
      return;
    }
    EXPECT_EQ(function_pids(), pids_before_)
        << "function processes changed (a crash or restart) during the outage";
  }

  std::map<std::string, std::string> pids_before_;
};

TEST_F(Resilience, MariaDbOutageGives503AndRecoversWithoutRestart) {
  TestUser before = register_user("db-before");
  TestUser after = register_user("db-after");  // never logged in: a full rate-limit bucket
  Tokens tokens = login(before);
  ASSERT_EQ(get("/v1/me", {bearer(tokens.access_token)}).status, 200);

  {
    ServiceOutage outage("mariadb");
    ASSERT_TRUE(outage.stopped()) << "svc-stop mariadb failed with exit code " << outage.stop_rc();

    Health h = get_health();
    EXPECT_TRUE(IsProblem(h.response, 503));
    EXPECT_EQ(h.check("mariadb"), "down") << h.response.describe();
    EXPECT_EQ(h.check("redis"), "up") << h.response.describe();

    // The functions answer 503 themselves ("/problems/unavailable"), rather
    // than failing and leaving nginx to turn a 502 into its generic page.
    HttpResponse login_down = post(
        "/v1/auth/login", json_object({{"email", before.email}, {"password", before.password}}));
    EXPECT_TRUE(IsProblem(login_down, 503));
    EXPECT_EQ(json_string(login_down, "type"), "/problems/unavailable") << login_down.describe();
    EXPECT_FALSE(login_down.header("retry-after").empty()) << login_down.describe();

    HttpResponse register_down =
        post("/v1/auth/register",
             json_object({{"email", unique_email("db-down")}, {"password", "a long password"}}));
    EXPECT_TRUE(IsProblem(register_down, 503));

    HttpResponse refresh_down =
        post("/v1/auth/refresh", json_object({{"refresh_token", tokens.refresh_token}}));
    EXPECT_TRUE(IsProblem(refresh_down, 503));

    HttpResponse me_down = get("/v1/me", {bearer(tokens.access_token)});
    EXPECT_TRUE(IsProblem(me_down, 503));

    ASSERT_EQ(outage.restore(), 0) << "svc-start mariadb failed";
  }

  Health h;
  EXPECT_TRUE(poll_until(seconds(30),
                         [&] {
                           h = get_health();
                           return h.response.status == 200 && h.check("mariadb") == "up";
                         }))
      << "health did not recover within 30 s: " << h.response.describe();

  HttpResponse r = login_eventually(after, seconds(30));
  EXPECT_EQ(r.status, 200) << "login did not recover within 30 s: " << r.describe();
  // The session from before the outage still works.
  HttpResponse refreshed =
      post("/v1/auth/refresh", json_object({{"refresh_token", tokens.refresh_token}}));
  EXPECT_EQ(refreshed.status, 200) << refreshed.describe();
  EXPECT_EQ(get("/v1/me", {bearer(tokens.access_token)}).status, 200);

  ExpectNoFunctionRestarted();
}

TEST_F(Resilience, RedisOutageDegradesButServes) {
  {
    ServiceOutage outage("redis");
    ASSERT_TRUE(outage.stopped()) << "svc-stop redis failed with exit code " << outage.stop_rc();

    Health h = get_health();
    EXPECT_EQ(h.response.status, 200) << h.response.describe();
    EXPECT_EQ(h.status, "degraded") << h.response.describe();
    EXPECT_EQ(h.check("redis"), "down") << h.response.describe();
    EXPECT_EQ(h.check("mariadb"), "up") << h.response.describe();

    // Registration and login do not need Redis.
    TestUser user;
    ASSERT_NO_THROW(user = register_user("redis-down"));
    Tokens t;
    ASSERT_NO_THROW(t = login(user));
    EXPECT_EQ(get("/v1/me", {bearer(t.access_token)}).status, 200);

    // Rate limiting falls back to per-process buckets: a burst is still
    // limited. Each login process allows at most the burst (5 in the test
    // profile) on its own, so 20 attempts exceed any number of processes up to 3.
    TestUser target = register_user("redis-down-burst");
    int limited = 0;
    for (int i = 0; i < 20 && limited == 0; ++i) {
      HttpResponse r = post("/v1/auth/login",
                            json_object({{"email", target.email}, {"password", "wrong password"}}));
      ASSERT_TRUE(r.status == 401 || r.status == 429) << r.describe();
      if (r.status == 429) {
        ++limited;
        EXPECT_TRUE(IsProblem(r, 429));
        EXPECT_FALSE(r.header("retry-after").empty());
      }
    }
    EXPECT_GT(limited, 0) << "without Redis, login attempts were not rate limited at all";

    ASSERT_EQ(outage.restore(), 0) << "svc-start redis failed";
  }

  Health h;
  EXPECT_TRUE(poll_until(seconds(30),
                         [&] {
                           h = get_health();
                           return h.all_up();
                         }))
      << "health did not return to ok within 30 s: " << h.response.describe();
  EXPECT_NO_THROW(login(register_user("redis-back")));

  ExpectNoFunctionRestarted();
}

TEST_F(Resilience, RabbitMqOutageDegradesButServes) {
  {
    ServiceOutage outage("rabbitmq");
    ASSERT_TRUE(outage.stopped()) << "svc-stop rabbitmq failed with exit code " << outage.stop_rc();

    Health h = get_health();
    EXPECT_EQ(h.response.status, 200) << h.response.describe();
    EXPECT_EQ(h.status, "degraded") << h.response.describe();
    EXPECT_EQ(h.check("rabbitmq"), "down") << h.response.describe();
    EXPECT_EQ(h.check("mariadb"), "up") << h.response.describe();

    TestUser user;
    ASSERT_NO_THROW(user = register_user("amqp-down"));
    Tokens t;
    ASSERT_NO_THROW(t = login(user));
    EXPECT_EQ(get("/v1/me", {bearer(t.access_token)}).status, 200);
    HttpResponse refreshed =
        post("/v1/auth/refresh", json_object({{"refresh_token", t.refresh_token}}));
    EXPECT_EQ(refreshed.status, 200) << refreshed.describe();

    ASSERT_EQ(outage.restore(), 0) << "svc-start rabbitmq failed";
  }

  // RabbitMQ takes a while to boot; the functions reconnect on their own.
  Health h;
  EXPECT_TRUE(poll_until(seconds(60),
                         [&] {
                           h = get_health();
                           return h.all_up();
                         }))
      << "health did not return to ok within 60 s: " << h.response.describe();
  EXPECT_NO_THROW(login(register_user("amqp-back")));

  ExpectNoFunctionRestarted();
}

}  // namespace
}  // namespace itest

namespace itest {
namespace {

// A crashed function process is restarted by the supervisor: kill -9 every
// `me` process; requests may get nginx's 503 problem meanwhile (never a hang
// or an HTML 502) and work again once supervisord has restarted them.

// `me` processes as name -> pid, from `$CINEMA_STACK_CTL ctl status`.
std::map<std::string, std::string> me_pids() {
  std::map<std::string, std::string> out;
  std::istringstream in(stack_ctl_output("ctl status"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name, state, pid_word, pid;
    fields >> name >> state >> pid_word >> pid;
    if (name.rfind("me:", 0) != 0 || state != "RUNNING" || pid_word != "pid") continue;
    if (!pid.empty() && pid.back() == ',') pid.pop_back();
    out[name] = pid;
  }
  return out;
}

TEST(Supervision, KilledFunctionProcessesAreRestarted) {
  if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL is not set";
  TestUser u = register_user("crash");
  Tokens t = login(u);
  ASSERT_EQ(get("/v1/me", {bearer(t.access_token)}).status, 200);
  std::map<std::string, std::string> before = me_pids();
  ASSERT_FALSE(before.empty()) << "no running `me` processes in `ctl status`";
  for (const auto& [name, pid] : before) {
    ASSERT_EQ(std::system(("kill -9 " + pid).c_str()), 0) << name;
  }
  HttpResponse during = get("/v1/me", {bearer(t.access_token)});
  EXPECT_TRUE(during.status == 200 || IsProblem(during, 503)) << during.describe();
  EXPECT_TRUE(poll_until(seconds(30), [&] {
    return me_pids().size() == before.size() &&
           get("/v1/me", {bearer(t.access_token)}).status == 200;
  })) << "`me` did not come back after its processes were killed";
  for (const auto& [name, pid] : me_pids()) {
    EXPECT_NE(pid, before[name]) << name << " was not restarted";
  }
}

}  // namespace
}  // namespace itest
