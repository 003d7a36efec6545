// The wall clock as a seam, so tests can move time.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace cinema {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  int64_t now_s() const { return now_ms() / 1000; }
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t now_ms() const override { return now_ms_; }
  void advance_ms(int64_t ms) { now_ms_ += ms; }

 private:
  int64_t now_ms_;
};

// Seconds since the epoch as RFC 3339 UTC ("2026-11-21T18:00:00Z").
std::string format_rfc3339(int64_t epoch_s);
// Epoch seconds as a MariaDB DATETIME literal in UTC ("2026-11-22 18:30:00"),
// for binding; valid for any year, unlike FROM_UNIXTIME.
std::string sql_datetime(int64_t epoch_s);
// "YYYY-MM-DD HH:MM:SS[.fff]" (MariaDB DATETIME, UTC) to RFC 3339.
std::string sql_time_to_rfc3339(const std::string& sql_time);

}  // namespace cinema
