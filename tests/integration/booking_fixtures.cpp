#include "booking_fixtures.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace itest {

std::string show_url(int64_t show_id, const std::string& tail) {
  return "/v1/shows/" + std::to_string(show_id) + tail;
}
std::string reservation_url(int64_t id) {
  return "/v1/reservations/" + std::to_string(id);
}

std::vector<int64_t> sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string join(const std::vector<int64_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out;
}

int64_t holds_of_show(int64_t show_id) {
  return sql_int("SELECT COUNT(*) FROM holds WHERE show_id = ?", show_id);
}

int64_t outbox_rows(const std::string& type, const std::string& member, int64_t id,
                    bool unpublished_only) {
  return sql_int(
      "SELECT COUNT(*) FROM outbox WHERE event_type = ? AND "
      "CAST(JSON_VALUE(payload, '$.data." +
          member + "') AS SIGNED) = ?" +
          (unpublished_only ? std::string(" AND published_at IS NULL") : ""),
      type, id);
}

std::vector<Actor> many_customers(int n, const std::string& prefix) {
  std::vector<Actor> out(static_cast<size_t>(n));
  std::atomic<int> next{0};
  std::mutex mu;
  std::string error;
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&] {
      for (int i = next++; i < n; i = next++) {
        try {
          out[static_cast<size_t>(i)] = new_customer(prefix);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(mu);
          error = e.what();
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  if (!error.empty()) throw std::runtime_error("creating customers: " + error);
  return out;
}

}  // namespace itest
