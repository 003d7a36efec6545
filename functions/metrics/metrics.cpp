#include "metrics.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include "cinema/amqp.h"
#include "cinema/db.h"
#include "cinema/log.h"
#include "cinema/metrics.h"

namespace cinema::metrics {

bool scraper_allowed(std::string_view addr, std::string_view allow) {
  if (addr == "127.0.0.1" || addr == "::1" || addr == "::ffff:127.0.0.1") return true;
  size_t i = 0;
  while (i < allow.size()) {
    size_t j = allow.find_first_of(", ", i);
    if (j == std::string_view::npos) j = allow.size();
    if (j > i && allow.substr(i, j - i) == addr) return true;
    i = j + 1;
  }
  return false;
}

namespace {

void gauge(std::string& out, const char* name, const char* help, const std::string& series,
           double value) {
  char num[48];
  std::snprintf(num, sizeof num, "%.3f", value);
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
         series + " " + num + "\n";
}

Response scrape(const Request& req, Context& ctx) {
  const char* allow = std::getenv("CINEMA_METRICS_ALLOW");
  if (!scraper_allowed(req.remote_addr, allow == nullptr ? "" : allow)) {
    return Response::problem(
        forbidden("Metrics are served to loopback and the addresses in CINEMA_METRICS_ALLOW"));
  }
  std::string out;
  std::map<std::string, int> up;

  // Requests, summed over every process by Redis.
  auto fields = ctx.redis().command({"HGETALL", kRequestMetricsKey});
  up["redis"] = fields.has_value();
  if (fields && fields->kind == RedisValue::Kind::kArray) {
    std::map<std::string, int64_t> m;
    for (size_t i = 0; i + 1 < fields->elements.size(); i += 2)
      m[fields->elements[i].str] = std::strtoll(fields->elements[i + 1].str.c_str(), nullptr, 10);
    out += render_request_metrics(m);
  }
  if (auto hb = ctx.redis().command({"GET", kWorkerHeartbeatKey});
      hb && hb->kind == RedisValue::Kind::kString) {
    const double age =
        static_cast<double>(ctx.clock().now_ms() - std::strtoll(hb->str.c_str(), nullptr, 10)) /
        1000.0;
    gauge(out, "cinema_worker_last_run_seconds", "Seconds since the worker's latest pass.", "",
          age);
  }

  // The database's gauges: each an indexed count or minimum.
  try {
    ctx.db().autocommit([&](Session& s) {
      Rows r = s.query(
          "SELECT (SELECT COUNT(*) FROM holds WHERE status = 'ACTIVE' AND expires_at > NOW(3)) "
          "AS holds, (SELECT COUNT(*) FROM outbox WHERE published_at IS NULL) AS backlog, "
          "(SELECT TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) FROM outbox "
          "WHERE published_at IS NULL) AS oldest_us, "
          "(SELECT COUNT(*) FROM waitlist_entries WHERE status IN ('WAITING', 'OFFERED')) "
          "AS waiting");
      r->next();
      gauge(out, "cinema_holds_active", "Holds placed and not yet expired, confirmed or released.",
            "", static_cast<double>(r->getInt64("holds")));
      gauge(out, "cinema_outbox_backlog", "Events written and not yet relayed to the broker.", "",
            static_cast<double>(r->getInt64("backlog")));
      auto oldest = opt_int64(*r, "oldest_us");
      gauge(out, "cinema_outbox_oldest_unpublished_seconds",
            "Age of the oldest event not yet relayed (0 when none).", "",
            static_cast<double>(oldest.value_or(0)) / 1e6);
      gauge(out, "cinema_waitlist_entries_waiting", "Waiting-list entries waiting or offered.", "",
            static_cast<double>(r->getInt64("waiting")));
    });
    up["mariadb"] = 1;
  } catch (const std::exception& e) {
    log(LogLevel::kWarn, "metrics: database gauges unavailable", {{"error", e.what()}});
    up["mariadb"] = 0;
  }

  // Queue depths from the broker (passive declares).
  std::string queues;
  bool broker_up = true;
  for (const char* q : {kWaitlistQueue, kNotificationsQueue, kDeadLetterQueue}) {
    auto depth = ctx.broker().queue_depth(q);
    if (!depth) {
      broker_up = false;
      continue;
    }
    queues +=
        std::string("cinema_queue_messages{queue=\"") + q + "\"} " + std::to_string(*depth) + "\n";
  }
  if (!queues.empty()) {
    out +=
        "# HELP cinema_queue_messages Messages ready in a broker queue.\n"
        "# TYPE cinema_queue_messages gauge\n" +
        queues;
  }
  up["rabbitmq"] = broker_up;

  out +=
      "# HELP cinema_dependency_up Whether the scrape reached the dependency (1) or not (0).\n"
      "# TYPE cinema_dependency_up gauge\n";
  for (const auto& [name, ok] : up)
    out += "cinema_dependency_up{dependency=\"" + name + "\"} " + std::to_string(ok) + "\n";

  Response resp = Response::json(200, out);
  resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return resp.with_header("Cache-Control", "no-store");
}

}  // namespace

const Router& router() {
  static const Router r{{"GET", "/metrics", scrape}};
  return r;
}

}  // namespace cinema::metrics
