#include "noop.h"

#include <random>

namespace cinema::noop {

Response handle(const Request&, Context&) {
  return Response::json(200, "{}");
}

namespace {

// The floor of a durable write through this stack: one single-row UPDATE in
// a committed transaction, nothing else (64 rows, so concurrent requests do
// not wait on each other's row locks). scripts/bench-data creates the table;
// make bench compares every write's CPU with this one's.
Response durable_write(const Request&, Context& ctx) {
  static std::mt19937 rng{std::random_device{}()};
  const int64_t slot = 1 + static_cast<int64_t>(rng() % 64);
  ctx.db().transaction(
      [&](Session& s) { return s.exec("UPDATE bench_floor SET n = n + 1 WHERE id = ?", slot); });
  return Response::json(200, "{}");
}

}  // namespace

const Router& router() {
  static const Router r{
      {"GET", "/v1/_noop", handle},
      {"POST", "/v1/_noop/write", durable_write},
  };
  return r;
}

}  // namespace cinema::noop
