#include "stack_env.h"

#include <chrono>

namespace itest {
namespace {

template <class Arg>
int64_t count_with(const std::string& sql, const Arg& arg) {
  return stack_db().autocommit([&](cinema::Session& s) -> int64_t {
    cinema::Rows rs = s.query(sql, arg);
    return rs->next() ? rs->getInt64(1) : -1;
  });
}

}  // namespace

const cinema::Config& stack_config() {
  static const cinema::Config config = cinema::Config::from_env();
  return config;
}

cinema::Database& stack_db() {
  // The functions reach MariaDB through its unix socket (CINEMA_DB_SOCKET);
  // the tests' own connection goes over TCP, so both ways stay exercised.
  static cinema::Database db([] {
    cinema::DbSettings tcp = stack_config().db;
    tcp.socket.clear();
    return tcp;
  }());
  return db;
}

int64_t count_rows(const std::string& sql, const std::string& arg) { return count_with(sql, arg); }
int64_t count_rows(const std::string& sql, int64_t arg) { return count_with(sql, arg); }

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace itest
