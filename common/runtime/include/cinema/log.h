// One JSON object per line on stderr: {"ts","level","fn","request_id","msg",...}.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace cinema {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

struct LogField {
  std::string_view key;
  std::variant<std::string_view, int64_t, double, bool> value;
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(int64_t{v}) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}
};

// Process-wide settings: the function name and the minimum level.
void log_init(std::string_view function_name, std::string_view level);
// The request id added to every line until changed ("" for none).
void log_set_request_id(std::string_view request_id);
void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

}  // namespace cinema
