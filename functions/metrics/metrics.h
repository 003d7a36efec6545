// GET /metrics: the Prometheus text format, for operators' scrapers only
// (127.0.0.1, ::1 and the addresses in CINEMA_METRICS_ALLOW; 403 otherwise).
//   cinema_http_requests_total, cinema_http_request_duration_seconds
//       by function and status, summed over every process (cinema/metrics.h)
//   cinema_holds_active, cinema_outbox_backlog, cinema_outbox_oldest_unpublished_seconds,
//   cinema_waitlist_entries_waiting, cinema_queue_messages{queue},
//   cinema_worker_last_run_seconds, cinema_dependency_up{dependency}
// A dependency that is down gives its gauges' absence and up 0, never an error.
#pragma once

#include <string>
#include <string_view>

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::metrics {

const Router& router();

// Whether `addr` may read the metrics: loopback or one of `allow` (a comma-
// or space-separated list of addresses).
bool scraper_allowed(std::string_view addr, std::string_view allow);

}  // namespace cinema::metrics
