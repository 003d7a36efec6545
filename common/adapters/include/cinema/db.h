// MariaDB through MySQL Connector/C++ 1.1: one connection per process, opened
// lazily and reopened after loss; prepared statements only (cached per
// connection); transactions retried on deadlock and lock-wait timeout.
#pragma once

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "cinema/config.h"
#include "cinema/status.h"

namespace sql {
class Connection;
}

namespace cinema {

// The database cannot be reached (refused, lost, timed out). The serve loop
// answers 503 for it; the next request reconnects.
class DbUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Outcome of a commit that may or may not have happened (connection lost
// during COMMIT). Also answered with 503; idempotency keys make retries safe.
class DbCommitUnknown : public DbUnavailable {
 public:
  using DbUnavailable::DbUnavailable;
};

using Rows = std::unique_ptr<sql::ResultSet>;

namespace detail {
inline void bind(sql::PreparedStatement& ps, int i, int64_t v) {
  ps.setInt64(i, v);
}
inline void bind(sql::PreparedStatement& ps, int i, int v) {
  ps.setInt(i, v);
}
inline void bind(sql::PreparedStatement& ps, int i, bool v) {
  ps.setInt(i, v ? 1 : 0);
}
inline void bind(sql::PreparedStatement& ps, int i, double v) {
  ps.setDouble(i, v);
}
inline void bind(sql::PreparedStatement& ps, int i, const std::string& v) {
  ps.setString(i, v);
}
inline void bind(sql::PreparedStatement& ps, int i, std::string_view v) {
  ps.setString(i, std::string(v));
}
inline void bind(sql::PreparedStatement& ps, int i, const char* v) {
  ps.setString(i, v);
}
void bind_null(sql::PreparedStatement& ps, int i);
inline void bind(sql::PreparedStatement& ps, int i, std::nullptr_t) {
  bind_null(ps, i);
}
template <class T>
void bind(sql::PreparedStatement& ps, int i, const std::optional<T>& v) {
  if (v) {
    bind(ps, i, *v);
  } else {
    bind_null(ps, i);
  }
}
}  // namespace detail

class Database;

// A session on the process's connection: inside Database::transaction() all
// statements belong to one transaction; from Database::session() each
// statement commits on its own.
class Session {
 public:
  // Rows affected (for UPDATE, rows actually changed).
  template <class... Args>
  int64_t exec(const std::string& sql, const Args&... args) {
    auto& ps = prepare(sql);
    bind_all(ps, args...);
    return static_cast<int64_t>(ps.executeUpdate());
  }
  template <class... Args>
  Rows query(const std::string& sql, const Args&... args) {
    auto& ps = prepare(sql);
    bind_all(ps, args...);
    return Rows(ps.executeQuery());
  }
  // For statements whose parameter count is only known at run time (IN
  // lists): `params` bound in order.
  using Param = std::variant<int64_t, std::string, std::nullptr_t>;
  int64_t exec_list(const std::string& sql, const std::vector<Param>& params);
  Rows query_list(const std::string& sql, const std::vector<Param>& params);
  int64_t last_insert_id();
  // CALLs a stored procedure and returns the first row of its first result
  // set as column -> value (NULL -> nullopt), draining the other results.
  template <class... Args>
  std::map<std::string, std::optional<std::string>> call(const std::string& sql,
                                                         const Args&... args) {
    auto& ps = prepare(sql);
    bind_all(ps, args...);
    return first_row_and_drain(ps);
  }
  std::map<std::string, std::optional<std::string>> call_list(const std::string& sql,
                                                              const std::vector<Param>& params);
  // Inside a transaction: roll back instead of committing when fn returns
  // (for answers like 409 that must leave no trace).
  void set_rollback_only() { rollback_only_ = true; }

 private:
  friend class Database;
  explicit Session(Database& db) : db_(db) {}
  bool rollback_only_ = false;
  sql::PreparedStatement& prepare(const std::string& sql);
  void bind_list(sql::PreparedStatement& ps, const std::vector<Param>& params);
  std::map<std::string, std::optional<std::string>> first_row_and_drain(sql::PreparedStatement& ps);
  template <class... Args>
  void bind_all(sql::PreparedStatement& ps, const Args&... args) {
    int i = 1;
    (detail::bind(ps, i++, args), ...);
  }
  Database& db_;
};

class Database {
 public:
  explicit Database(DbSettings settings);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn(Session&) in one transaction and commits. Deadlocks (1213) and
  // lock-wait timeouts (1205) roll back and run fn again, up to `attempts`
  // times with jittered backoff; a connection lost before COMMIT reconnects and
  // runs fn again once. fn must therefore be safe to re-run (no side effects
  // outside the database). Any exception from fn rolls back and propagates.
  template <class F>
  auto transaction(F&& fn, int attempts = 4) -> std::invoke_result_t<F&, Session&> {
    return with_result(std::forward<F>(fn), [&](const std::function<void(Session&)>& run) {
      run_transaction(run, attempts);
    });
  }

  // Autocommit statements, retried once on a lost connection. For reads and
  // single-statement writes that need no transaction.
  template <class F>
  auto autocommit(F&& fn) -> std::invoke_result_t<F&, Session&> {
    return with_result(std::forward<F>(fn),
                       [&](const std::function<void(Session&)>& run) { run_autocommit(run); });
  }

  // One statement that owns its transaction (a procedure that commits or
  // rolls back itself and re-raises its errors), in autocommit mode: the
  // transaction in one round trip. Deadlocks and lock-wait timeouts run fn
  // again like transaction(); a lost connection reconnects and runs it once
  // more, so the statement must be safe to repeat after a commit whose answer
  // was lost (place_hold is: a repeat replaces the hold it placed).
  template <class F>
  auto self_committing(F&& fn, int attempts = 4) -> std::invoke_result_t<F&, Session&> {
    return with_result(std::forward<F>(fn), [&](const std::function<void(Session&)>& run) {
      run_autocommit(run, attempts);
    });
  }

  // True when a trivial query succeeds (reconnecting if needed).
  bool ping();

 private:
  friend class Session;
  // Runs fn(Session&) through `runner` (one of the run_* below) and returns
  // what fn returned.
  template <class F, class Runner>
  static auto with_result(F&& fn, Runner&& runner) -> std::invoke_result_t<F&, Session&> {
    using R = std::invoke_result_t<F&, Session&>;
    if constexpr (std::is_void_v<R>) {
      runner([&](Session& s) { fn(s); });
    } else {
      std::optional<R> out;
      runner([&](Session& s) { out.emplace(fn(s)); });
      return std::move(*out);
    }
  }
  void run_transaction(const std::function<void(Session&)>& fn, int attempts);
  // attempts > 1: deadlocks and lock-wait timeouts run fn again (self_committing).
  void run_autocommit(const std::function<void(Session&)>& fn, int attempts = 1);
  sql::Connection& connection();
  void drop_connection();
  sql::PreparedStatement& prepare(const std::string& sql);
  void raw(const char* statement);

  DbSettings settings_;
  std::unique_ptr<sql::Connection> conn_;
  std::map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
  int64_t retry_connect_after_ms_ = 0;
};

// "?, ?, ?" for an IN list of n values.
std::string placeholders(size_t n);

// MariaDB error numbers the code reacts to.
bool is_connection_error(int mysql_errno);
bool is_retryable_tx_error(int mysql_errno);
constexpr int kErrDuplicateKey = 1062;
constexpr int kErrRowIsReferenced = 1451;

// What a violated constraint means to the client. The driver's errors become
// problems here and nowhere else: a handler lists the constraints its write
// may break, and with_constraints() turns a violation of one of them into its
// Problem (anything else propagates to the serve loop: 503 or 500).
enum class Violation {
  kDuplicateKey,    // a UNIQUE key (1062)
  kRowIsReferenced  // a delete or update a foreign key refuses (1451)
};
struct ConstraintProblem {
  Violation violation;
  std::string key;  // the key or constraint the error names; "" for any
  Problem problem;
};
using ConstraintProblems = std::vector<ConstraintProblem>;

namespace detail {
template <class T>
struct AsStatusOr {
  using type = StatusOr<T>;
};
template <class T>
struct AsStatusOr<StatusOr<T>> {
  using type = StatusOr<T>;
};
// Runs fn; the Problem of the first matching entry when fn throws a listed
// violation (rethrows anything else).
std::optional<Problem> run_with_constraints(const ConstraintProblems& problems,
                                            const std::function<void()>& fn);
}  // namespace detail

// fn() (usually a transaction), with `problems` for the violations it may
// cause. Returns fn's StatusOr (or a StatusOr of its value).
template <class F>
auto with_constraints(const ConstraintProblems& problems, F&& fn) ->
    typename detail::AsStatusOr<std::invoke_result_t<F&>>::type {
  using Out = typename detail::AsStatusOr<std::invoke_result_t<F&>>::type;
  std::optional<Out> out;
  if (auto p = detail::run_with_constraints(problems, [&] { out.emplace(fn()); })) return *p;
  return std::move(*out);
}

// Column helpers: NULL-aware reads.
std::optional<int64_t> opt_int64(sql::ResultSet& rs, const char* column);
std::optional<std::string> opt_string(sql::ResultSet& rs, const char* column);
std::string get_string(sql::ResultSet& rs, const char* column);

}  // namespace cinema
