// Request metrics across every process of every function. Each process counts
// its answers in memory (by status, with a latency histogram) and adds them to
// one Redis hash at most once a second, in one atomic script call; the
// /metrics function renders that hash in the Prometheus text format. So a
// scrape sees the sum over all processes however many run, without a Redis
// round trip per request. Redis down: the counts wait in memory and are added
// when it is back (nothing is lost but a process's last second on a crash).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cinema/redis.h"

namespace cinema {

// Upper bounds of the latency buckets, in seconds (Prometheus `le`).
inline constexpr std::array<double, 11> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                           0.5,   1.0,  2.5,   5.0,  10.0};
// The Redis hash every process adds to.
inline constexpr const char* kRequestMetricsKey = "metrics:http";
// Epoch milliseconds of the worker's latest pass (set by the worker).
inline constexpr const char* kWorkerHeartbeatKey = "metrics:worker:heartbeat_ms";

class RequestMetrics {
 public:
  void observe(int status, double seconds);
  // Adds what was observed since the last successful flush to Redis, when
  // `force` or at least a second has passed. Keeps it on failure.
  void maybe_flush(Redis& redis, const std::string& function, int64_t now_ms, bool force = false);
  bool pending() const { return !counts_.empty(); }

  // The hash fields and increments a flush sends, for tests:
  // "<function>|<status>|count", "|sum_us", "|b<i>" (bucket i, not cumulative).
  std::vector<std::pair<std::string, int64_t>> increments(const std::string& function) const;

 private:
  struct Counts {
    int64_t count = 0;
    int64_t sum_us = 0;
    std::array<int64_t, kLatencyBuckets.size() + 1> buckets{};  // last: above every bound
  };
  std::map<int, Counts> counts_;  // by status
  int64_t last_flush_ms_ = 0;
};

// The Prometheus text of the request metrics hash (fields as written by
// RequestMetrics): cinema_http_requests_total and
// cinema_http_request_duration_seconds (a histogram) by function and status.
std::string render_request_metrics(const std::map<std::string, int64_t>& fields);

}  // namespace cinema
