#include "cinema/db.h"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <chrono>
#include <random>
#include <thread>

#include "cinema/log.h"

namespace cinema {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void backoff(int attempt) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> jitter(0, 10 * attempt);
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt + jitter(rng)));
}

}  // namespace

bool is_connection_error(int e) {
  // 2002/2003 cannot connect, 2006 gone away, 2013 lost, 2055 lost (system
  // error), 1927 killed, 1053 shutdown in progress, 4031 idle disconnect.
  return e == 2002 || e == 2003 || e == 2006 || e == 2013 || e == 2055 || e == 1927 || e == 1053 ||
         e == 4031 || e == 2026;
}

bool is_retryable_tx_error(int e) {
  return e == 1213 || e == 1205;
}

namespace detail {
void bind_null(sql::PreparedStatement& ps, int i) {
  ps.setNull(i, sql::DataType::VARCHAR);
}
}  // namespace detail

Database::Database(DbSettings settings) : settings_(std::move(settings)) {}

Database::~Database() {
  try {
    drop_connection();
  } catch (...) {
  }
}

void Database::drop_connection() {
  statements_.clear();  // statements must die before their connection
  if (conn_) {
    try {
      conn_->close();
    } catch (...) {
    }
    conn_.reset();
  }
}

sql::Connection& Database::connection() {
  if (conn_) return *conn_;
  if (now_ms() < retry_connect_after_ms_) {
    throw DbUnavailable("database unavailable (reconnect backing off)");
  }
  try {
    sql::ConnectOptionsMap opts;
    if (settings_.socket.empty()) {
      opts["hostName"] = sql::SQLString(settings_.host);
      opts["port"] = settings_.port;
    } else {
      // Same host: a unix socket skips the TCP stack on every round trip.
      opts["hostName"] = sql::SQLString("localhost");
      opts["socket"] = sql::SQLString(settings_.socket);
    }
    opts["userName"] = sql::SQLString(settings_.user);
    opts["password"] = sql::SQLString(settings_.password);
    opts["schema"] = sql::SQLString(settings_.name);
    opts["OPT_CONNECT_TIMEOUT"] = settings_.connect_timeout_s;
    opts["OPT_READ_TIMEOUT"] = settings_.read_timeout_s;
    opts["OPT_WRITE_TIMEOUT"] = settings_.read_timeout_s;
    opts["OPT_RECONNECT"] = false;
    opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    if (settings_.tls.enabled()) {
      // TLS verified against the CA (the server's certificate must name the
      // host); refused rather than falling back to plain text.
      opts["sslCA"] = sql::SQLString(settings_.tls.ca);
      if (!settings_.tls.cert.empty()) {
        opts["sslCert"] = sql::SQLString(settings_.tls.cert);
        opts["sslKey"] = sql::SQLString(settings_.tls.key);
      }
      opts["sslVerify"] = true;
      opts["sslEnforce"] = true;
    }
    conn_.reset(sql::mysql::get_mysql_driver_instance()->connect(opts));
    std::unique_ptr<sql::Statement> st(conn_->createStatement());
    st->execute("SET SESSION time_zone = '+00:00'");
    // READ COMMITTED: no gap locks, so inserts of unrelated rows (holds of
    // other users) do not deadlock. Every seat decision is a single
    // conditional UPDATE or a locking read, which see the latest committed
    // rows at any isolation level.
    st->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    st->execute("SET SESSION innodb_lock_wait_timeout = " +
                std::to_string(settings_.lock_wait_timeout_s));
    st->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'");
    retry_connect_after_ms_ = 0;
    log(LogLevel::kInfo, "db connected", {{"host", settings_.host}, {"port", settings_.port}});
  } catch (const sql::SQLException& e) {
    conn_.reset();
    retry_connect_after_ms_ = now_ms() + 200;
    log(LogLevel::kWarn, "db connect failed", {{"error", e.what()}, {"errno", e.getErrorCode()}});
    throw DbUnavailable(std::string("database unavailable: ") + e.what());
  }
  return *conn_;
}

sql::PreparedStatement& Database::prepare(const std::string& text) {
  auto it = statements_.find(text);
  if (it != statements_.end()) return *it->second;
  std::unique_ptr<sql::PreparedStatement> ps(connection().prepareStatement(text));
  return *statements_.emplace(text, std::move(ps)).first->second;
}

void Database::raw(const char* statement) {
  std::unique_ptr<sql::Statement> st(connection().createStatement());
  st->execute(statement);
}

sql::PreparedStatement& Session::prepare(const std::string& sql) {
  return db_.prepare(sql);
}

void Session::bind_list(sql::PreparedStatement& ps, const std::vector<Param>& params) {
  int i = 1;
  for (const auto& p : params) {
    std::visit([&](const auto& v) { detail::bind(ps, i, v); }, p);
    ++i;
  }
}

int64_t Session::exec_list(const std::string& sql, const std::vector<Param>& params) {
  auto& ps = prepare(sql);
  bind_list(ps, params);
  return static_cast<int64_t>(ps.executeUpdate());
}

Rows Session::query_list(const std::string& sql, const std::vector<Param>& params) {
  auto& ps = prepare(sql);
  bind_list(ps, params);
  return Rows(ps.executeQuery());
}

std::map<std::string, std::optional<std::string>> Session::call_list(
    const std::string& sql, const std::vector<Param>& params) {
  auto& ps = prepare(sql);
  bind_list(ps, params);
  return first_row_and_drain(ps);
}

std::map<std::string, std::optional<std::string>> Session::first_row_and_drain(
    sql::PreparedStatement& ps) {
  std::map<std::string, std::optional<std::string>> row;
  {
    Rows rs(ps.executeQuery());
    if (rs->next()) {
      sql::ResultSetMetaData* meta = rs->getMetaData();
      for (unsigned int i = 1; i <= meta->getColumnCount(); ++i) {
        std::string name = meta->getColumnLabel(i).asStdString();
        row[name] = rs->isNull(i) ? std::nullopt
                                  : std::optional<std::string>(rs->getString(i).asStdString());
      }
    }
  }
  while (ps.getMoreResults()) {
  }
  return row;
}

std::string placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

int64_t Session::last_insert_id() {
  Rows rs = query("SELECT LAST_INSERT_ID() AS id");
  rs->next();
  return rs->getInt64("id");
}

void Database::run_transaction(const std::function<void(Session&)>& fn, int attempts) {
  bool reconnected = false;
  for (int attempt = 1;; ++attempt) {
    bool committing = false;
    try {
      raw("START TRANSACTION");
      Session session(*this);
      fn(session);
      if (session.rollback_only_) {
        raw("ROLLBACK");
        return;
      }
      committing = true;
      raw("COMMIT");
      return;
    } catch (const sql::SQLException& e) {
      int code = e.getErrorCode();
      if (is_connection_error(code)) {
        drop_connection();
        if (committing) {
          throw DbCommitUnknown(std::string("connection lost during commit: ") + e.what());
        }
        if (!reconnected) {
          reconnected = true;  // the server rolled the transaction back with the connection
          --attempt;
          continue;
        }
        throw DbUnavailable(std::string("database connection lost: ") + e.what());
      }
      try {
        raw("ROLLBACK");
      } catch (const sql::SQLException&) {
        drop_connection();
      }
      if (is_retryable_tx_error(code) && attempt < attempts) {
        log(LogLevel::kInfo, "tx retry", {{"errno", code}, {"attempt", attempt}});
        backoff(attempt);
        continue;
      }
      throw;
    } catch (const DbUnavailable&) {
      throw;
    } catch (...) {
      try {
        raw("ROLLBACK");
      } catch (const sql::SQLException&) {
        drop_connection();
      } catch (const DbUnavailable&) {
      }
      throw;
    }
  }
}

void Database::run_autocommit(const std::function<void(Session&)>& fn, int attempts) {
  bool reconnected = false;
  for (int attempt = 1;; ++attempt) {
    try {
      Session session(*this);
      fn(session);
      return;
    } catch (const sql::SQLException& e) {
      int code = e.getErrorCode();
      if (is_connection_error(code)) {
        drop_connection();
        if (reconnected) throw DbUnavailable(std::string("database connection lost: ") + e.what());
        reconnected = true;
        --attempt;
        continue;
      }
      if (is_retryable_tx_error(code) && attempt < attempts) {
        log(LogLevel::kInfo, "tx retry", {{"errno", code}, {"attempt", attempt}});
        backoff(attempt);
        continue;
      }
      throw;
    }
  }
}

bool Database::ping() {
  try {
    return autocommit([](Session& s) {
      Rows rs = s.query("SELECT 1 AS ok");
      return rs->next() && rs->getInt("ok") == 1;
    });
  } catch (const std::exception& e) {
    return false;
  }
}

std::optional<int64_t> opt_int64(sql::ResultSet& rs, const char* column) {
  if (rs.isNull(column)) return std::nullopt;
  return rs.getInt64(column);
}

std::optional<std::string> opt_string(sql::ResultSet& rs, const char* column) {
  if (rs.isNull(column)) return std::nullopt;
  return std::string(rs.getString(column).asStdString());
}

std::string get_string(sql::ResultSet& rs, const char* column) {
  return rs.getString(column).asStdString();
}

namespace detail {

std::optional<Problem> run_with_constraints(const ConstraintProblems& problems,
                                            const std::function<void()>& fn) {
  try {
    fn();
    return std::nullopt;
  } catch (const sql::SQLException& e) {
    const int code = e.getErrorCode();
    const std::string what = e.what();
    for (const auto& c : problems) {
      const int wanted =
          c.violation == Violation::kDuplicateKey ? kErrDuplicateKey : kErrRowIsReferenced;
      if (code == wanted && (c.key.empty() || what.find(c.key) != std::string::npos)) {
        return c.problem;
      }
    }
    throw;
  }
}

}  // namespace detail

}  // namespace cinema
