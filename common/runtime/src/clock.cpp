#include "cinema/clock.h"

#include <cstdio>
#include <ctime>

namespace cinema {

std::string format_rfc3339(int64_t epoch_s) {
  time_t t = static_cast<time_t>(epoch_s);
  tm utc{};
  gmtime_r(&t, &utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buf;
}

std::string sql_datetime(int64_t epoch_s) {
  std::string t = format_rfc3339(epoch_s);
  t[10] = ' ';
  t.pop_back();
  return t;
}

std::string sql_time_to_rfc3339(const std::string& sql_time) {
  if (sql_time.size() < 19) return sql_time;
  std::string out = sql_time;
  out[10] = 'T';
  // Drop fractional seconds: the API speaks whole seconds.
  out.resize(19);
  out.push_back('Z');
  return out;
}

}  // namespace cinema
