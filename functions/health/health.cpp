#include "health.h"

#include "cinema/json.h"

namespace cinema::health {

Response handle(const Request& req, Context& ctx) {
  if (req.method != "GET") return Response::problem(method_not_allowed("GET"));
  bool db = ctx.db().ping();
  bool redis = ctx.redis().ping();
  bool amqp = ctx.broker().healthy();
  JsonWriter checks;
  checks.begin_object()
      .field("mariadb", db ? "up" : "down")
      .field("redis", redis ? "up" : "down")
      .field("rabbitmq", amqp ? "up" : "down")
      .end_object();
  if (!db) {
    // Without the source of truth nothing works: report it as a problem.
    Problem p = service_unavailable("The database is unavailable");
    p.with_extension("checks", checks.str());
    return Response::problem(p);
  }
  // Redis and RabbitMQ are optional for correctness: degraded, still serving.
  JsonWriter w;
  w.begin_object()
      .field("status", redis && amqp ? "ok" : "degraded")
      .key("checks")
      .raw(checks.str());
  w.end_object();
  return Response::json(200, w.str()).with_header("Cache-Control", "no-store");
}

const Router& router() {
  static const Router r{
      {"GET", "/v1/health", handle},
  };
  return r;
}

}  // namespace cinema::health
