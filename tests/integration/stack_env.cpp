#include "stack_env.h"

#include <chrono>

#include "cinema/redis.h"

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

void forget_account(int64_t user_id) {
  static cinema::Redis redis([] {
    cinema::RedisSettings tcp = stack_config().redis;
    tcp.socket.clear();
    tcp.timeout_ms = 2000;
    return tcp;
  }());
  // Redis down (a resilience test): the functions cannot read the entry either.
  redis.command({"DEL", "acct:" + std::to_string(user_id)});
}

int64_t count_rows(const std::string& sql, const std::string& arg) {
  return count_with(sql, arg);
}
int64_t count_rows(const std::string& sql, int64_t arg) {
  return count_with(sql, arg);
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace itest
