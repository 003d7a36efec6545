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

LivePublisher::LivePublisher(std::string socket_path, std::vector<std::string> urls) {
  if (!socket_path.empty()) targets_.push_back({std::move(socket_path), "http://live"});
  for (auto& u : urls) targets_.push_back({"", std::move(u)});
}

LivePublisher::~LivePublisher() {
  for (auto& t : targets_) {
    if (t.curl != nullptr) curl_easy_cleanup(static_cast<CURL*>(t.curl));
  }
}

void LivePublisher::publish(int64_t show_id, const std::vector<OutboxEvent>& events) {
  if (targets_.empty()) return;
  // One message per request: its seat changes, newline-separated JSON.
  std::string msg;
  for (const auto& e : events) {
    std::string one = live_message(show_id, e);
    if (one.empty()) continue;
    if (!msg.empty()) msg.push_back('\n');
    msg += one;
  }
  if (msg.empty()) return;
  for (auto& t : targets_) {
    if (now_ms() < t.retry_after_ms) continue;
    if (t.curl == nullptr) t.curl = curl_easy_init();
    auto* curl = static_cast<CURL*>(t.curl);
    if (curl == nullptr) continue;
    std::string url = t.base + "/pub/" + std::to_string(show_id);
    if (!t.socket.empty()) curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, t.socket.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, msg.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(msg.size()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 200L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 200L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
      // nginx down or no nchan: stop trying it for a while, the map stays correct.
      log(LogLevel::kWarn, "live publish failed",
          {{"target", t.socket.empty() ? t.base : t.socket}, {"error", curl_easy_strerror(rc)}});
      t.retry_after_ms = now_ms() + 1000;
    }
  }
}

}  // namespace cinema
