// Live seat events through nginx/nchan: a subscriber of
// GET /v1/shows/{id}/events sees a hold and its release as they commit.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "fixtures.h"

namespace itest {
namespace {

// Reads the EventSource stream until `until` appears in it or time is up.
class Subscriber {
 public:
  Subscriber(int64_t show_id, std::string until) : until_(std::move(until)) {
    url_ = base_url() + "/v1/shows/" + std::to_string(show_id) + "/events";
    thread_ = std::thread([this] { run(); });
  }
  ~Subscriber() { thread_.join(); }
  bool connected() const { return connected_; }
  bool wait_done() {
    thread_.join();
    thread_ = std::thread([] {});
    return found_;
  }
  std::string received() {
    std::lock_guard<std::mutex> lock(mu_);
    return data_;
  }

 private:
  static size_t on_data(char* p, size_t size, size_t n, void* self_ptr) {
    auto* self = static_cast<Subscriber*>(self_ptr);
    std::lock_guard<std::mutex> lock(self->mu_);
    self->data_.append(p, size * n);
    if (self->data_.find(self->until_) != std::string::npos) {
      self->found_ = true;
      return 0;  // stop the transfer
    }
    return size * n;
  }
  static int on_progress(void* self_ptr, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    static_cast<Subscriber*>(self_ptr)->connected_ = true;
    return 0;
  }
  void run() {
    CURL* c = curl_easy_init();
    curl_slist* h = curl_slist_append(nullptr, "Accept: text/event-stream");
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, this);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_perform(c);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
  }
  std::string url_, until_;
  std::thread thread_;
  std::mutex mu_;
  std::string data_;
  std::atomic<bool> found_{false};
  std::atomic<bool> connected_{false};
};

TEST(Live, SubscribersSeeHoldsAndReleasesAsTheyCommit) {
  Venue v = make_venue(1, 3);
  std::vector<int64_t> ids = hall_seat_ids(v.hall_id);
  std::string held = "\"status\":\"HELD\",\"seat_ids\":[" + std::to_string(ids[1]) + "]";
  std::string freed = "\"status\":\"FREE\",\"seat_ids\":[" + std::to_string(ids[1]) + "]";
  // Stops at the release; each change is published right after its answer.
  Subscriber sub(v.show_id, freed);
  ASSERT_TRUE(wait_until(std::chrono::milliseconds(5000), [&] { return sub.connected(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // subscription registered
  Actor a = new_customer("live");
  HttpResponse h = hold_seats(a, v.show_id, {ids[1]});
  ASSERT_EQ(h.status, 201) << h.describe();
  ASSERT_EQ(release_hold(a, v.show_id, json_int(h, "hold_id").value_or(0)).status, 204);
  EXPECT_TRUE(sub.wait_done()) << "stream so far: " << sub.received();
  std::string got = sub.received();
  EXPECT_NE(got.find(held), std::string::npos) << got;
  EXPECT_EQ(got.find("user_id"), std::string::npos) << "no user data on a public stream";
}

}  // namespace
}  // namespace itest

#include "cinema/gzip.h"

namespace itest {
namespace {

TEST(SeatMapEncoding, GzipForClientsThatAcceptItSameContent) {
  Venue v = make_venue(3, 4);
  std::string path = "/v1/shows/" + std::to_string(v.show_id) + "/seats";
  HttpResponse plain = get(path);
  ASSERT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.header("content-encoding").empty());
  HttpResponse gz = get(path, {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_EQ(cinema::gzip_decompress(gz.body), plain.body);
  EXPECT_EQ(gz.header("etag"), plain.header("etag"));
  HttpResponse not_modified =
      get(path, {{"Accept-Encoding", "gzip"}, {"If-None-Match", plain.header("etag")}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
}

}  // namespace
}  // namespace itest
