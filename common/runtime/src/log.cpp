#include "cinema/log.h"

#include <cstdio>
#include <ctime>
#include <string>

#include "cinema/json.h"

namespace cinema {
namespace {

std::string g_function = "cinema";
std::string g_request_id;
LogLevel g_min_level = LogLevel::kInfo;

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void log_init(std::string_view function_name, std::string_view level) {
  g_function = std::string(function_name);
  if (level == "debug")
    g_min_level = LogLevel::kDebug;
  else if (level == "warn")
    g_min_level = LogLevel::kWarn;
  else if (level == "error")
    g_min_level = LogLevel::kError;
  else
    g_min_level = LogLevel::kInfo;
}

void log_set_request_id(std::string_view request_id) {
  g_request_id = std::string(request_id);
}

void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (level < g_min_level) return;
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  gmtime_r(&ts.tv_sec, &utc);
  char when[80];
  std::snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                ts.tv_nsec / 1000000);
  JsonWriter w;
  w.begin_object();
  w.field("ts", when).field("level", level_name(level)).field("fn", g_function);
  if (!g_request_id.empty()) w.field("request_id", g_request_id);
  w.field("msg", msg);
  for (const auto& f : fields) {
    w.key(f.key);
    std::visit([&w](const auto& v) { w.value(v); }, f.value);
  }
  w.end_object();
  std::string line = w.str();
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace cinema
