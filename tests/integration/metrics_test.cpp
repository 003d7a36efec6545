// GET /metrics: request counts summed over every process of a function, the
// latency histogram, the operational gauges, and nobody but the local host.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "fixtures.h"
#include "http_client.h"
#include "worker_run.h"

namespace itest {
namespace {

// The value of the series line that starts with `series` (name and labels),
// or -1 when the scrape has no such line.
double series_value(const std::string& text, const std::string& series) {
  size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n')
      return std::strtod(text.c_str() + at + series.size(), nullptr);
    at += series.size();
  }
  return -1;
}

std::string scrape() {
  HttpResponse r = get("/metrics");
  return r.status == 200 ? r.body : "";
}

TEST(Metrics, CountsEveryProcessesRequestsAndReportsTheGauges) {
  const std::string health_total = "cinema_http_requests_total{function=\"health\",status=\"200\"}";
  HttpResponse first = get("/metrics");
  ASSERT_EQ(first.status, 200) << first.describe();
  EXPECT_EQ(first.media_type(), "text/plain");
  const double before = std::max(0.0, series_value(first.body, health_total));

  // 40 requests spread over the function's processes by nginx.
  for (int i = 0; i < 40; ++i) ASSERT_EQ(get("/v1/health").status, 200);
  std::string text;
  EXPECT_TRUE(wait_until(std::chrono::seconds(10),
                         [&] {
                           text = scrape();
                           return series_value(text, health_total) >= before + 40;
                         }))
      << "health count went from " << before << " to " << series_value(text, health_total);
  // The histogram's +Inf bucket and count agree with the counter.
  const std::string labels = "{function=\"health\",status=\"200\"";
  EXPECT_EQ(series_value(text, "cinema_http_request_duration_seconds_count" + labels + "}"),
            series_value(text, health_total));
  EXPECT_EQ(
      series_value(text, "cinema_http_request_duration_seconds_bucket" + labels + ",le=\"+Inf\"}"),
      series_value(text, health_total));
  EXPECT_LE(
      series_value(text, "cinema_http_request_duration_seconds_bucket" + labels + ",le=\"0.005\"}"),
      series_value(text, health_total));

  // Gauges: a live hold shows; the queues and dependencies are reported.
  Venue v = make_venue(1, 2);
  Actor c = new_customer("metrics");
  ASSERT_EQ(hold_seats(c, v.show_id, {hall_seat_ids(v.hall_id)[0]}).status, 201);
  text = scrape();
  EXPECT_GE(series_value(text, "cinema_holds_active"), 1) << text;
  EXPECT_GE(series_value(text, "cinema_outbox_backlog"), 0) << text;
  EXPECT_GE(series_value(text, "cinema_outbox_oldest_unpublished_seconds"), 0) << text;
  EXPECT_GE(series_value(text, "cinema_waitlist_entries_waiting"), 0) << text;
  EXPECT_GE(series_value(text, "cinema_queue_messages{queue=\"cinema.waitlist\"}"), 0) << text;
  EXPECT_EQ(series_value(text, "cinema_dependency_up{dependency=\"mariadb\"}"), 1) << text;
  EXPECT_EQ(series_value(text, "cinema_dependency_up{dependency=\"redis\"}"), 1) << text;
  EXPECT_EQ(series_value(text, "cinema_dependency_up{dependency=\"rabbitmq\"}"), 1) << text;
  // A worker pass (as cron starts it) shows as the worker's last run.
  ASSERT_EQ(run_worker("--once"), 0);
  text = scrape();
  const double age = series_value(text, "cinema_worker_last_run_seconds");
  EXPECT_GE(age, 0) << text;
  EXPECT_LT(age, 60) << text;
}

TEST(Metrics, ADependencyDownIsReportedNotAnError) {
  Actor admin = new_admin("metrics-outage");
  {
    ServiceStop redis("redis");
    ASSERT_TRUE(redis.stopped());
    HttpResponse r = get("/metrics");
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(series_value(r.body, "cinema_dependency_up{dependency=\"redis\"}"), 0) << r.body;
    EXPECT_EQ(series_value(r.body, "cinema_dependency_up{dependency=\"mariadb\"}"), 1) << r.body;
  }
  {
    // The read side without its database: a 503 problem, never a 500.
    ServiceStop db("mariadb");
    ASSERT_TRUE(db.stopped());
    EXPECT_TRUE(IsProblem(get("/v1/admin/stats", admin.auth()), 503));
    EXPECT_TRUE(IsProblem(get("/v1/admin/audit-logs", admin.auth()), 503));
    HttpResponse r = get("/metrics");
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(series_value(r.body, "cinema_dependency_up{dependency=\"mariadb\"}"), 0) << r.body;
  }
  // Redis back: reported up again, without a restart.
  EXPECT_TRUE(wait_until(std::chrono::seconds(10), [&] {
    return series_value(scrape(), "cinema_dependency_up{dependency=\"redis\"}") == 1;
  }));
}

TEST(Metrics, OnlyTheLocalHostMayScrape) {
  SourceAddress elsewhere("127.0.0.23");
  EXPECT_TRUE(IsProblem(get("/metrics"), 403));
}

}  // namespace
}  // namespace itest
