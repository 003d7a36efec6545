#include "cinema/metrics.h"

#include <cstdio>

namespace cinema {

void RequestMetrics::observe(int status, double seconds) {
  Counts& c = counts_[status];
  ++c.count;
  c.sum_us += static_cast<int64_t>(seconds * 1e6);
  size_t i = 0;
  while (i < kLatencyBuckets.size() && seconds > kLatencyBuckets[i]) ++i;
  ++c.buckets[i];
}

std::vector<std::pair<std::string, int64_t>> RequestMetrics::increments(
    const std::string& function) const {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& [status, c] : counts_) {
    const std::string prefix = function + "|" + std::to_string(status) + "|";
    out.emplace_back(prefix + "count", c.count);
    out.emplace_back(prefix + "sum_us", c.sum_us);
    for (size_t i = 0; i < c.buckets.size(); ++i)
      if (c.buckets[i] != 0) out.emplace_back(prefix + "b" + std::to_string(i), c.buckets[i]);
  }
  return out;
}

void RequestMetrics::maybe_flush(Redis& redis, const std::string& function, int64_t now_ms,
                                 bool force) {
  if (counts_.empty() || (!force && now_ms - last_flush_ms_ < 1000)) return;
  last_flush_ms_ = now_ms;
  static const std::string kScript =
      "for i = 1, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end "
      "return 1";
  std::vector<std::string> args;
  for (const auto& [field, n] : increments(function)) {
    args.push_back(field);
    args.push_back(std::to_string(n));
  }
  // All or nothing (a script is atomic): on failure the counts stay for the next try.
  if (redis.eval(kScript, {kRequestMetricsKey}, args)) counts_.clear();
}

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

}  // namespace

std::string render_request_metrics(const std::map<std::string, int64_t>& fields) {
  struct Series {
    int64_t count = 0;
    int64_t sum_us = 0;
    std::array<int64_t, kLatencyBuckets.size() + 1> buckets{};
  };
  std::map<std::pair<std::string, std::string>, Series> series;  // (function, status)
  for (const auto& [field, value] : fields) {
    auto a = field.find('|');
    auto b = a == std::string::npos ? std::string::npos : field.find('|', a + 1);
    if (b == std::string::npos) continue;
    Series& s = series[{field.substr(0, a), field.substr(a + 1, b - a - 1)}];
    const std::string what = field.substr(b + 1);
    if (what == "count") {
      s.count = value;
    } else if (what == "sum_us") {
      s.sum_us = value;
    } else if (what.size() > 1 && what[0] == 'b') {
      size_t i = std::strtoul(what.c_str() + 1, nullptr, 10);
      if (i < s.buckets.size()) s.buckets[i] = value;
    }
  }
  std::string out =
      "# HELP cinema_http_requests_total Requests answered, by function and status.\n"
      "# TYPE cinema_http_requests_total counter\n";
  for (const auto& [k, s] : series) {
    out += "cinema_http_requests_total{function=\"" + k.first + "\",status=\"" + k.second + "\"} " +
           std::to_string(s.count) + "\n";
  }
  out +=
      "# HELP cinema_http_request_duration_seconds Time in the function, by function and "
      "status.\n"
      "# TYPE cinema_http_request_duration_seconds histogram\n";
  for (const auto& [k, s] : series) {
    const std::string labels = "function=\"" + k.first + "\",status=\"" + k.second + "\"";
    int64_t cumulative = 0;
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += s.buckets[i];
      out += "cinema_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
             seconds_text(kLatencyBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "cinema_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(s.count) + "\n";
    char sum[48];
    std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(s.sum_us) / 1e6);
    out += "cinema_http_request_duration_seconds_sum{" + labels + "} " + sum + "\n";
    out += "cinema_http_request_duration_seconds_count{" + labels + "} " + std::to_string(s.count) +
           "\n";
  }
  return out;
}

}  // namespace cinema
