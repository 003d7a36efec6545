#include "cinema/live.h"

#include <curl/curl.h>
#include <rapidjson/document.h>

#include <chrono>

#include "cinema/json.h"
#include "cinema/log.h"

namespace cinema {
namespace {

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string live_message(int64_t show_id, const OutboxEvent& e) {
  const char* status = e.type == "seat.held"           ? "HELD"
                       : e.type == "seat.released"     ? "FREE"
                       : e.type == "booking.confirmed" ? "RESERVED"
                       : e.type == "show.cancelled"    ? "CANCELLED"  // the show, not a seat
                                                       : nullptr;
  if (status == nullptr) return "";
  rapidjson::Document d;
  d.Parse(e.body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("data") || !d["data"].IsObject()) {
    return "";
  }
  const auto& data = d["data"];
  JsonWriter w;
  w.begin_object().field("type", e.type).field("show_id", show_id).field("status", status);
  w.key("seat_ids").begin_array();
  if (data.HasMember("seat_ids") && data["seat_ids"].IsArray()) {
    for (const auto& id : data["seat_ids"].GetArray()) {
      if (id.IsInt64()) w.value(id.GetInt64());
    }
  }
  w.end_array().end_object();
  return w.str();
}

LivePublisher::~LivePublisher() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

void LivePublisher::publish(int64_t show_id, const std::vector<OutboxEvent>& events) {
  if (socket_path_.empty() || now_ms() < retry_after_ms_) return;
  // One message per request: its seat changes, newline-separated JSON.
  std::string msg;
  for (const auto& e : events) {
    std::string one = live_message(show_id, e);
    if (one.empty()) continue;
    if (!msg.empty()) msg.push_back('\n');
    msg += one;
  }
  if (msg.empty()) return;
  if (curl_ == nullptr) curl_ = curl_easy_init();
  auto* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return;
  std::string url = "http://live/pub/" + std::to_string(show_id);
  curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, msg.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(msg.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 200L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    // nginx down or no nchan: stop trying for a while, the map stays correct.
    log(LogLevel::kWarn, "live publish failed", {{"error", curl_easy_strerror(rc)}});
    retry_after_ms_ = now_ms() + 1000;
  }
}

}  // namespace cinema
