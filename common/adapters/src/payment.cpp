#include "cinema/payment.h"

#include <curl/curl.h>
#include <rapidjson/document.h>

#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/log.h"

namespace cinema {
namespace {

size_t append_body(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() < 64 * 1024) body->append(data, size * n);
  return size * n;
}

std::string string_member(const std::string& body, const char* name) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(name) || !d[name].IsString()) return "";
  return std::string(d[name].GetString(), d[name].GetStringLength());
}

// One POST to the gateway: the reply as read_gateway_reply reads it.
GatewayReply post(const PaymentSettings& cfg, const std::string& path, const std::string& body,
                  const std::string& key) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return read_gateway_reply(false, 0, "", "curl init failed");
  std::string url = cfg.url + path;
  std::string reply;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, ("Authorization: Bearer " + cfg.secret).c_str());
  headers = curl_slist_append(headers, ("Idempotency-Key: " + key).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(cfg.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  GatewayReply r = read_gateway_reply(rc == CURLE_OK, status, reply, curl_easy_strerror(rc));
  if (r.kind == GatewayReply::Kind::kUnavailable) {
    log(LogLevel::kWarn, "payment gateway unavailable",
        {{"path", path}, {"idempotency_key", key}, {"error", r.reason}});
  }
  return r;
}

// A provider reference as one path segment.
std::string path_segment(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
  if (e == nullptr) return "";
  std::string out(e);
  curl_free(e);
  return out;
}

}  // namespace

GatewayReply read_gateway_reply(bool transport_ok, long http_status, const std::string& body,
                                const std::string& transport_error) {
  GatewayReply r;
  if (!transport_ok) {
    r.reason = "payment gateway unreachable: " + transport_error;
    return r;
  }
  if (http_status >= 200 && http_status < 300) {
    r.id = string_member(body, "id");
    if (r.id.empty()) {
      r.reason = "payment gateway answered without an id";
      return r;  // unavailable: asked again under the same key
    }
    r.kind = GatewayReply::Kind::kApproved;
    return r;
  }
  if (http_status >= 500 || http_status == 408 || http_status == 409 || http_status == 429 ||
      http_status < 200) {
    r.reason = "payment gateway answered HTTP " + std::to_string(http_status);
    return r;
  }
  r.kind = GatewayReply::Kind::kDeclined;
  r.reason = string_member(body, "reason");
  if (r.reason.empty())
    r.reason = "declined by the payment gateway (HTTP " + std::to_string(http_status) + ")";
  if (r.reason.size() > 200) r.reason.resize(200);
  return r;
}

Authorization MockPaymentProvider::authorize(const Charge& c, const std::string& key) {
  if (c.token == "tok_decline") return {false, "", "The card was declined (test token)"};
  // Derived from the key, as a provider's idempotent answer would be.
  return {true, "mock_" + sha256_hex(key + "|" + c.token).substr(0, 16), ""};
}

RefundResult MockPaymentProvider::refund(const RefundRequest& r, const std::string& key) {
  if (r.amount_cents <= 0) {
    return {RefundResult::Outcome::kRefused, "", "Nothing to refund"};
  }
  return {RefundResult::Outcome::kRefunded, "mock_re_" + sha256_hex(key).substr(0, 16), ""};
}

HttpPaymentProvider::HttpPaymentProvider(PaymentSettings settings)
    : settings_(std::move(settings)) {}

Authorization HttpPaymentProvider::authorize(const Charge& c, const std::string& key) {
  JsonWriter w;
  w.begin_object()
      .field("amount_cents", c.amount_cents)
      .field("currency", c.currency)
      .field("token", c.token)
      .field("user_id", c.user_id)
      .field("hold_id", c.hold_id)
      .end_object();
  GatewayReply r = post(settings_, "/authorizations", w.str(), key);
  Authorization a;
  a.approved = r.kind == GatewayReply::Kind::kApproved;
  a.unavailable = r.kind == GatewayReply::Kind::kUnavailable;
  a.reference = r.id;
  a.reason = r.reason;
  return a;
}

bool HttpPaymentProvider::capture(const std::string& reference) {
  return post(settings_, "/authorizations/" + path_segment(reference) + "/capture", "{}",
              "capture-" + reference)
             .kind == GatewayReply::Kind::kApproved;
}

bool HttpPaymentProvider::void_authorization(const std::string& reference) {
  return post(settings_, "/authorizations/" + path_segment(reference) + "/void", "{}",
              "void-" + reference)
             .kind == GatewayReply::Kind::kApproved;
}

RefundResult HttpPaymentProvider::refund(const RefundRequest& req, const std::string& key) {
  JsonWriter w;
  w.begin_object()
      .field("authorization", req.payment_reference)
      .field("amount_cents", req.amount_cents)
      .field("currency", req.currency)
      .end_object();
  GatewayReply r = post(settings_, "/refunds", w.str(), key);
  switch (r.kind) {
    case GatewayReply::Kind::kApproved:
      return {RefundResult::Outcome::kRefunded, r.id, ""};
    case GatewayReply::Kind::kDeclined:
      return {RefundResult::Outcome::kRefused, "", r.reason};
    case GatewayReply::Kind::kUnavailable:
      break;
  }
  return {RefundResult::Outcome::kUnavailable, "", r.reason};
}

std::unique_ptr<PaymentProvider> make_payment_provider(const Config& cfg) {
  if (cfg.payment.provider == "http") return std::make_unique<HttpPaymentProvider>(cfg.payment);
  return std::make_unique<MockPaymentProvider>();
}

std::string payment_key_for_hold(int64_t hold_id, int64_t attempt) {
  return "hold-" + std::to_string(hold_id) + "-" + std::to_string(attempt);
}

std::string refund_key_for_reservation(int64_t reservation_id) {
  return "refund-reservation-" + std::to_string(reservation_id);
}

}  // namespace cinema
