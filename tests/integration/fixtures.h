// Shared fixtures for the catalogue, owner and booking integration tests:
// users of each role, cinemas/halls/shows created through the owner API, the
// seat map, hold/confirm calls, SQL helpers on the stack's database, bounded
// polling and an RAII service outage. Everything is created with unique names,
// because the database persists across the tests of one run.
//
// Setup helpers throw std::runtime_error (reported by GoogleTest as a failure
// of the calling test) when the API does not answer as expected.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http_client.h"
#include "stack_env.h"

namespace itest {

// ---------------------------------------------------------------- JSON

// A JSON object built member by member: JsonObj().s("name", "x").i("rows", 3).str().
class JsonObj {
 public:
  JsonObj& s(const std::string& key, const std::string& value);
  JsonObj& i(const std::string& key, int64_t value);
  JsonObj& b(const std::string& key, bool value);
  JsonObj& null(const std::string& key);
  JsonObj& raw(const std::string& key, const std::string& raw_json);
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void key(const std::string& k);
  std::string body_;
};

// "[1,2,3]"
std::string ids_json(const std::vector<int64_t>& ids);
// ["a","b"] with escaping.
std::string strings_json(const std::vector<std::string>& items);

// An integer member of the JSON object body, or nullopt.
std::optional<int64_t> json_int(const HttpResponse& r, const char* member);
// An array-of-integers member of the JSON object body (empty when absent).
std::vector<int64_t> json_ids(const HttpResponse& r, const char* member);
std::vector<int64_t> json_ids(const rapidjson::Value& obj, const char* member);
// The "id" of every object of the body's "items" array.
std::vector<int64_t> item_ids(const HttpResponse& r, const char* id_member = "id");

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(const std::string& s);

// ---------------------------------------------------------------- users

struct Actor {
  TestUser user;
  std::string token;  // access token
  Headers auth() const { return {bearer(token)}; }
  int64_t id() const { return user.id; }
};

// Sets users.role directly in the database.
void set_role(int64_t user_id, const std::string& role);
// A fresh CUSTOMER, logged in.
Actor new_customer(const std::string& prefix = "cust");
// A fresh user promoted to OWNER / ADMIN via SQL, then logged in (so the
// access token carries the role).
Actor new_owner(const std::string& prefix = "owner");
Actor new_admin(const std::string& prefix = "admin");
// Logs in again (after a role change) and updates the token.
void relogin(Actor& a);

// ---------------------------------------------------------------- time and names

// "2026-11-22T18:30:00Z"
std::string rfc3339(int64_t unix_seconds);
// Letters and digits only, unique per process and call: "<prefix><pid>x<n>x<hex>".
std::string unique_token(const std::string& prefix = "t");

// ---------------------------------------------------------------- catalogue (owner API)

// An id that no cinema, hall, seat, show, hold or reservation has.
constexpr int64_t kMissingId = 900000000001;

// POST /v1/cinemas; returns the id.
int64_t create_cinema(const Actor& owner, const std::string& name = "",
                      const std::string& city = "Testville");
// POST /v1/halls with rows/cols; returns the id.
int64_t create_hall(const Actor& owner, int64_t cinema_id, int rows, int cols,
                    const std::string& name = "");
// POST /v1/halls with a drawn layout ('S','V','A','C', '.' gap); returns the id.
int64_t create_layout_hall(const Actor& owner, int64_t cinema_id,
                           const std::vector<std::string>& layout, const std::string& name = "");
// JSON body of a show.
std::string show_body(int64_t hall_id, const std::string& title, int64_t starts_at, int64_t ends_at,
                      int64_t price_cents = 1000, const std::string& currency = "EUR");
// POST /v1/shows; returns the id. `starts_at` in Unix seconds (must be in the future).
int64_t create_show(const Actor& owner, int64_t hall_id, const std::string& title,
                    int64_t starts_at, int64_t duration_s = 2 * 3600, int64_t price_cents = 1000,
                    const std::string& currency = "EUR");
// Moves a show into the past via SQL (started an hour ago, ends in an hour).
void start_show_now(int64_t show_id);

// A cinema with one hall and one show, all owned by `owner`.
struct Venue {
  Actor owner;
  int64_t cinema_id = 0;
  int64_t hall_id = 0;
  int64_t show_id = 0;
};
Venue make_venue(int rows, int cols, int64_t price_cents = 1000);
Venue make_layout_venue(const std::vector<std::string>& layout, int64_t price_cents = 1000);
// A further show in the venue's hall, in a time slot of its own.
int64_t add_show(const Venue& v, const std::string& title = "");

// Seat ids of a hall in grid order (via SQL).
std::vector<int64_t> hall_seat_ids(int64_t hall_id);

// ---------------------------------------------------------------- seat map

struct Seat {
  int64_t id = 0;
  std::string row;
  int64_t number = 0;
  int64_t grid_row = 0;
  int64_t grid_col = 0;
  std::string type;
  std::string status;
  int64_t price_cents = 0;
};

struct SeatMap {
  HttpResponse response;
  std::vector<Seat> seats;
  bool ok() const { return response.status == 200 && !seats.empty(); }
  const Seat* find(int64_t seat_id) const;
  // "FREE" / "HELD" / "RESERVED", or "<missing>".
  std::string status_of(int64_t seat_id) const;
  std::vector<int64_t> ids() const;
  std::vector<int64_t> ids_of_type(const std::string& type) const;
  std::string etag() const { return response.header("etag"); }
};

// GET /v1/shows/{id}/seats.
SeatMap seat_map(int64_t show_id, const Headers& headers = {});

// ---------------------------------------------------------------- booking calls

HttpResponse hold_seats(const Actor& a, int64_t show_id, const std::vector<int64_t>& seat_ids);
HttpResponse hold_best(const Actor& a, int64_t show_id, int count, bool together);
HttpResponse release_hold(const Actor& a, int64_t show_id, int64_t hold_id);
HttpResponse confirm(const Actor& a, int64_t show_id, int64_t hold_id,
                     const std::string& idempotency_key = "",
                     const std::string& payment_token = "");
// hold + confirm; throws unless both succeed. Returns the reservation id.
int64_t book(const Actor& a, int64_t show_id, const std::vector<int64_t>& seat_ids);

// ---------------------------------------------------------------- SQL

// First column of the first row as an integer; -1 when there is no row or it is NULL.
template <class... Args>
int64_t sql_int(const std::string& sql, const Args&... args) {
  return stack_db().autocommit([&](cinema::Session& s) -> int64_t {
    cinema::Rows rs = s.query(sql, args...);
    if (!rs->next() || rs->isNull(1)) return -1;
    return rs->getInt64(1);
  });
}

// Every row, every column as text (NULL -> nullopt).
using SqlRow = std::vector<std::optional<std::string>>;
std::vector<SqlRow> sql_rows_impl(cinema::Session& s, cinema::Rows rs);
template <class... Args>
std::vector<SqlRow> sql_rows(const std::string& sql, const Args&... args) {
  return stack_db().autocommit(
      [&](cinema::Session& s) { return sql_rows_impl(s, s.query(sql, args...)); });
}

// An autocommit statement; returns the rows affected.
template <class... Args>
int64_t sql_exec(const std::string& sql, const Args&... args) {
  return stack_db().autocommit([&](cinema::Session& s) { return s.exec(sql, args...); });
}

// audit_log rows for one entity.
int64_t audit_count(const std::string& entity_type, int64_t entity_id);

// ---------------------------------------------------------------- timing and services

// Calls `done` about every 200 ms until it returns true or `limit` has passed.
template <class F>
bool wait_until(std::chrono::milliseconds limit, F&& done) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// True once GET /v1/health reports every dependency up (bounded).
bool wait_healthy(std::chrono::seconds limit);

// Stops a service (svc-stop) for its lifetime; restore() or the destructor
// starts it again (svc-start) and waits until the stack reports healthy.
class ServiceStop {
 public:
  explicit ServiceStop(std::string name);
  ~ServiceStop();
  ServiceStop(const ServiceStop&) = delete;
  ServiceStop& operator=(const ServiceStop&) = delete;
  bool stopped() const { return stop_rc_ == 0; }
  int stop_rc() const { return stop_rc_; }
  int restore();

 private:
  std::string name_;
  int stop_rc_ = -1;
  bool restored_ = false;
};

// Lets N threads start at the same moment.
class StartGate {
 public:
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }
  void open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace itest
