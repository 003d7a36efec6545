#include <curl/curl.h>
#include <rapidjson/document.h>

#include <chrono>
#include <thread>

#include "cinema/crypto.h"
#include "cinema/log.h"
#include "tasks.h"

namespace cinema::worker {
namespace {

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

// One POST; true on a 2xx answer.
bool post_once(const Config& cfg, const std::string& type, const std::string& event_id,
               const std::string& body, std::string& error) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    error = "curl init failed";
    return false;
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, ("X-Cinema-Event: " + type).c_str());
  headers = curl_slist_append(headers, ("X-Cinema-Event-Id: " + event_id).c_str());
  headers = curl_slist_append(
      headers, ("X-Cinema-Signature: " + webhook_signature(cfg.webhook_secret, body)).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, cfg.webhook_url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg.webhook_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(cfg.webhook_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    error = curl_easy_strerror(rc);
    return false;
  }
  if (status < 200 || status >= 300) {
    error = "HTTP " + std::to_string(status);
    return false;
  }
  return true;
}

}  // namespace

std::string webhook_signature(const std::string& secret, const std::string& body) {
  return "sha256=" + hex_encode(hmac_sha256(secret, body));
}

bool handle_notification_delivery(Context& ctx, Broker& broker, const Delivery& delivery) {
  const bool webhook = !ctx.config().webhook_url.empty();
  const Delivery* d = &delivery;
  {
    rapidjson::Document doc;
    doc.Parse(d->body.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("event_id") ||
        !doc["event_id"].IsString() || !doc.HasMember("type") || !doc["type"].IsString()) {
      log(LogLevel::kError, "malformed event dead-lettered", {{"routing_key", d->routing_key}});
      broker.reject(d->tag, false);
      return true;
    }
    std::string event_id = doc["event_id"].GetString();
    std::string type = doc["type"].GetString();
    std::optional<int64_t> user_id;
    if (doc.HasMember("data") && doc["data"].IsObject() && doc["data"].HasMember("user_id") &&
        doc["data"]["user_id"].IsInt64()) {
      user_id = doc["data"]["user_id"].GetInt64();
    }
    try {
      ctx.db().transaction([&](Session& s) {
        if (s.exec("INSERT IGNORE INTO processed_events (consumer, event_id) VALUES "
                   "('notifications', ?)",
                   event_id) == 0) {
          return;  // a redelivery: already in the log
        }
        s.exec(
            "INSERT INTO notifications (event_id, event_type, user_id, payload, status) "
            "VALUES (?, ?, ?, ?, ?)",
            event_id, type, user_id, d->body, std::string(webhook ? "PENDING" : "LOGGED"));
      });
      broker.ack(d->tag);
    } catch (const std::exception& e) {
      log(LogLevel::kError, "notification message failed",
          {{"event_id", event_id}, {"error", e.what()}, {"redelivered", d->redelivered}});
      // The database being away is no fault of the message: it goes back to
      // the queue however often it was delivered, and this run stops consuming.
      // Any other failure gets one more try; the second goes to the dead letters.
      const bool unavailable = dynamic_cast<const DbUnavailable*>(&e) != nullptr;
      broker.reject(d->tag, unavailable || !d->redelivered);
      return !unavailable;
    }
  }
  return true;
}

int64_t consume_notifications(Context& ctx, Broker& broker, Deadline deadline) {
  return drain_queue(ctx, broker, kNotificationsQueue, deadline, handle_notification_delivery);
}

int64_t deliver_webhooks(Context& ctx, Deadline deadline) {
  const Config& cfg = ctx.config();
  if (cfg.webhook_url.empty()) return 0;
  struct Due {
    int64_t id;
    std::string event_id, type, payload;
    int64_t attempts;
  };
  std::vector<Due> due = ctx.db().autocommit([&](Session& s) {
    Rows rs = s.query(
        "SELECT id, event_id, event_type, payload, attempts FROM notifications WHERE status = "
        "'PENDING' AND next_attempt_at <= NOW(3) ORDER BY id LIMIT 100");
    std::vector<Due> out;
    while (rs->next()) {
      out.push_back({rs->getInt64("id"), get_string(*rs, "event_id"), get_string(*rs, "event_type"),
                     get_string(*rs, "payload"), rs->getInt64("attempts")});
    }
    return out;
  });
  int64_t delivered = 0;
  for (const Due& n : due) {
    if (should_stop(deadline)) break;
    std::string error;
    bool ok = false;
    // A few quick tries now; after that the row waits with exponential backoff
    // so one dead receiver never holds up the rest.
    for (int attempt = 0; attempt < 3 && !ok; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
      ok = post_once(cfg, n.type, n.event_id, n.payload, error);
    }
    int64_t attempts = n.attempts + 1;
    ctx.db().autocommit([&](Session& s) {
      if (ok) {
        s.exec(
            "UPDATE notifications SET status = 'DELIVERED', delivered_at = NOW(3), attempts = ?, "
            "last_error = NULL WHERE id = ?",
            attempts, n.id);
      } else {
        int64_t backoff = std::min<int64_t>(int64_t{1} << std::min<int64_t>(attempts, 12), 3600);
        s.exec(
            "UPDATE notifications SET status = ?, attempts = ?, last_error = ?, "
            "next_attempt_at = NOW(3) + INTERVAL ? SECOND WHERE id = ?",
            std::string(attempts >= cfg.webhook_max_attempts ? "FAILED" : "PENDING"), attempts,
            error.substr(0, 500), backoff, n.id);
      }
    });
    if (ok) {
      ++delivered;
    } else {
      log(LogLevel::kWarn, "webhook delivery failed",
          {{"event_id", n.event_id}, {"attempts", attempts}, {"error", error}});
    }
  }
  return delivered;
}

}  // namespace cinema::worker
