#include "cinema/serve.h"

#include <cppconn/exception.h>
#include <fcgiapp.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/metrics.h"

extern char** environ;

namespace cinema {
namespace {

volatile sig_atomic_t g_stop = 0;

void on_terminate(int) {
  g_stop = 1;
  FCGX_ShutdownPending();
}

void install_signal_handlers() {
  std::signal(SIGPIPE, SIG_IGN);  // a dead peer must give EPIPE, not kill us
  struct sigaction sa {};
  sa.sa_handler = on_terminate;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: accept() must return so we can exit
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  // SIGALRM only wakes an idle accept() (armed around it alone, see serve()),
  // so counts of the last second reach the metrics without a next request.
  struct sigaction wake {};
  wake.sa_handler = [](int) {};
  sigemptyset(&wake.sa_mask);
  wake.sa_flags = 0;
  sigaction(SIGALRM, &wake, nullptr);
}

std::vector<std::pair<std::string, std::string>> params_of(char** envp) {
  std::vector<std::pair<std::string, std::string>> out;
  for (char** p = envp; p != nullptr && *p != nullptr; ++p) {
    const char* eq = std::strchr(*p, '=');
    if (eq == nullptr) continue;
    out.emplace_back(std::string(*p, static_cast<size_t>(eq - *p)), std::string(eq + 1));
  }
  return out;
}

// CONTENT_LENGTH as a number; -1 when absent, -2 when malformed.
int64_t content_length(const std::vector<std::pair<std::string, std::string>>& params) {
  for (const auto& [name, value] : params) {
    if (name != "CONTENT_LENGTH") continue;
    if (value.empty()) return -1;
    if (value.size() > 15 || value.find_first_not_of("0123456789") != std::string::npos) {
      return -2;
    }
    return std::stoll(value);
  }
  return -1;
}

std::string function_name_from_env() {
  const char* fn = std::getenv("CINEMA_FUNCTION");
  if (fn != nullptr && *fn != '\0') return fn;
  return program_invocation_short_name;
}

}  // namespace

Response handle_safely(const Handler& handler, const Request& req, Context& ctx) {
  auto started = std::chrono::steady_clock::now();
  ctx.request_id = req.request_id.empty() ? random_hex(16) : req.request_id;
  ctx.actor_id = 0;
  ctx.actor_role.clear();
  log_set_request_id(ctx.request_id);
  Response resp;
  std::string length_header = req.header("content-length");
  // HEAD is GET without the body, on every GET route.
  const bool head = req.method == "HEAD";
  try {
    Status text = check_request_text(req);
    if (!text.ok()) {
      resp = Response::problem(text.problem());
    } else if (head) {
      Request get = req;
      get.method = "GET";
      resp = handler(get, ctx);
    } else if (!length_header.empty() &&
               (length_header.size() > 15 ||
                length_header.find_first_not_of("0123456789") != std::string::npos)) {
      resp = Response::problem(bad_request("Content-Length is not a number"));
    } else if ((!length_header.empty() &&
                std::stoll(length_header) > ctx.config().max_body_bytes) ||
               static_cast<int64_t>(req.body.size()) > ctx.config().max_body_bytes) {
      resp = Response::problem(payload_too_large(
          "The request body exceeds " + std::to_string(ctx.config().max_body_bytes) + " bytes"));
    } else {
      resp = handler(req, ctx);
    }
  } catch (const DbUnavailable& e) {
    log(LogLevel::kWarn, "database unavailable", {{"error", e.what()}});
    resp = Response::problem(service_unavailable("The database is unavailable; retry shortly"));
  } catch (const sql::SQLException& e) {
    if (is_retryable_tx_error(e.getErrorCode())) {
      // Still deadlocked after the transaction helper's retries: a busy
      // moment, not a bug; nothing was written.
      log(LogLevel::kWarn, "transaction retries exhausted", {{"errno", e.getErrorCode()}});
      resp = Response::problem(service_unavailable("Too much contention right now; retry"));
    } else {
      log(LogLevel::kError, "unhandled database error",
          {{"error", e.what()}, {"errno", e.getErrorCode()}, {"sqlstate", e.getSQLState()}});
      resp = Response::problem(internal_error());
    }
  } catch (const std::exception& e) {
    log(LogLevel::kError, "unhandled exception", {{"error", e.what()}});
    resp = Response::problem(internal_error());
  } catch (...) {
    log(LogLevel::kError, "unhandled non-standard exception");
    resp = Response::problem(internal_error());
  }
  // Problems carry the request id, so a user's report leads to the log line.
  if (resp.content_type == "application/problem+json" && !resp.body.empty() &&
      resp.body.back() == '}') {
    resp.body.pop_back();
    resp.body += ",\"request_id\":" + json_quote(ctx.request_id) + "}";
  }
  if (head) {
    resp.head_content_length = resp.body.size();
    resp.body.clear();
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (req.client_request_id.empty()) {
    log(resp.status >= 500 ? LogLevel::kWarn : LogLevel::kInfo, "request",
        {{"method", req.method}, {"path", req.path}, {"status", resp.status}, {"latency_ms", ms}});
  } else {
    log(resp.status >= 500 ? LogLevel::kWarn : LogLevel::kInfo, "request",
        {{"method", req.method},
         {"path", req.path},
         {"status", resp.status},
         {"latency_ms", ms},
         {"client_request_id", req.client_request_id}});
  }
  log_set_request_id("");
  return resp;
}

namespace {

int serve_cgi(const Handler& handler, Context& ctx) {
  auto params = params_of(environ);
  int64_t length = content_length(params);
  std::string body;
  if (length > 0 && length <= ctx.config().max_body_bytes) {
    body.resize(static_cast<size_t>(length));
    size_t got = std::fread(body.data(), 1, body.size(), stdin);
    body.resize(got);
  }
  const auto started = std::chrono::steady_clock::now();
  Response resp = handle_safely(handler, request_from_cgi(params, std::move(body)), ctx);
  std::string out = serialize_response(resp);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  ctx.run_after_response();
  // One request per process: its count goes to Redis at once.
  RequestMetrics metrics;
  metrics.observe(
      resp.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  metrics.maybe_flush(ctx.redis(), ctx.config().function_name, ctx.clock().now_ms(), true);
  return 0;
}

}  // namespace

int serve(const Router& router, int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--routes") {
    for (const auto& [method, pattern] : router.table())
      std::printf("%s %s\n", method.c_str(), pattern.c_str());
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (argc > 1) {
    std::fprintf(stderr, "usage: %s [--routes]\n", argv[0]);
    return 64;  // EX_USAGE
  }
  return serve([&router](const Request& req, Context& ctx) { return router.dispatch(req, ctx); });
}

int serve(const Handler& handler) {
  std::string name = function_name_from_env();
  log_init(name, "info");
  Config config;
  try {
    config = Config::from_env();
  } catch (const std::exception& e) {
    log(LogLevel::kError, "invalid configuration", {{"error", e.what()}});
    return 78;  // EX_CONFIG: the supervisor gives up instead of looping fast
  }
  config.function_name = name;
  log_init(name, config.log_level);
  install_signal_handlers();
  Context ctx(config);
  ctx.enable_after_response();
  if (FCGX_Init() != 0) {
    log(LogLevel::kError, "FCGX_Init failed");
    return 1;
  }
  if (FCGX_IsCGI()) return serve_cgi(handler, ctx);

  FCGX_Request fcgi;
  FCGX_InitRequest(&fcgi, 0, FCGI_FAIL_ACCEPT_ON_INTR);
  log(LogLevel::kInfo, "started", {{"pid", static_cast<int64_t>(getpid())}});
  RequestMetrics metrics;
  while (g_stop == 0) {
    // Counts not yet in Redis: wake up in a second to add them if idle.
    if (metrics.pending()) alarm(1);
    const int accepted = FCGX_Accept_r(&fcgi);
    alarm(0);
    if (accepted < 0) {
      if (g_stop != 0 || errno == EINTR) {
        metrics.maybe_flush(ctx.redis(), name, ctx.clock().now_ms());
        continue;
      }
      log(LogLevel::kError, "accept failed", {{"errno", errno}});
      break;
    }
    const auto started = std::chrono::steady_clock::now();
    // Params die at the next accept: copy them out now.
    auto params = params_of(fcgi.envp);
    int64_t length = content_length(params);
    std::string body;
    bool drained = false;
    if (length <= config.max_body_bytes) {
      if (length > 0) {
        body.resize(static_cast<size_t>(length));
        int got = FCGX_GetStr(body.data(), static_cast<int>(body.size()), fcgi.in);
        body.resize(got > 0 ? static_cast<size_t>(got) : 0);
      }
      // Read stdin to its end record, so nothing is left unread and the
      // connection can be closed at once (see FCGX_Detach below).
      char rest[4096];
      while (FCGX_GetStr(rest, sizeof rest, fcgi.in) > 0) {
      }
      drained = true;
    }
    Response resp = handle_safely(handler, request_from_cgi(params, std::move(body)), ctx);
    std::string out = serialize_response(resp);
    FCGX_PutStr(out.data(), static_cast<int>(out.size()), fcgi.out);
    // With stdin fully read, skip libfcgi's lingering close (shutdown, then
    // wait for the peer to close: 1-2 ms of idle per request); an oversized
    // body left unread keeps it, so the peer is not reset mid-response.
    if (drained) FCGX_Detach(&fcgi);
    FCGX_Finish_r(&fcgi);
    metrics.observe(
        resp.status,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    // Broker and live-event publishing happen after the client has its answer.
    ctx.run_after_response();
    metrics.maybe_flush(ctx.redis(), name, ctx.clock().now_ms());
  }
  metrics.maybe_flush(ctx.redis(), name, ctx.clock().now_ms(), /*force=*/true);
  log(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace cinema
