#include "provider.h"

#include <curl/curl.h>
#include <rapidjson/document.h>

#include "cinema/log.h"

namespace cinema::oidc {
namespace {

size_t append_body(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * n > 256 * 1024) return 0;  // aborts: no provider sends this much
  body->append(data, size * n);
  return size * n;
}

class CurlTransport : public Transport {
 public:
  CurlTransport(int64_t connect_ms, int64_t total_ms)
      : connect_ms_(connect_ms), total_ms_(total_ms) {}

  HttpReply get(const std::string& url) override { return perform(url, nullptr, "", ""); }
  HttpReply post_form(const std::string& url, const std::string& form, const std::string& user,
                      const std::string& password) override {
    return perform(url, &form, user, password);
  }

 private:
  HttpReply perform(const std::string& url, const std::string* form, const std::string& user,
                    const std::string& password) {
    HttpReply r;
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
      r.error = "curl init failed";
      return r;
    }
    curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_ms_));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total_ms_));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
    if (form != nullptr) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form->c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(form->size()));
    }
    if (!user.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(curl, CURLOPT_USERNAME, user.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    r.transport_ok = rc == CURLE_OK;
    if (!r.transport_ok) r.error = curl_easy_strerror(rc);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return r;
  }
  int64_t connect_ms_;
  int64_t total_ms_;
};

std::string member(const rapidjson::Value& o, const char* name) {
  if (!o.IsObject() || !o.HasMember(name) || !o[name].IsString()) return "";
  return std::string(o[name].GetString(), o[name].GetStringLength());
}

bool has_string(const rapidjson::Value& o, const char* array, const char* value) {
  if (!o.HasMember(array) || !o[array].IsArray()) return false;
  for (const auto& v : o[array].GetArray()) {
    if (v.IsString() && std::string(v.GetString()) == value) return true;
  }
  return false;
}

bool unavailable_status(long status) {
  return status >= 500 || status == 408 || status == 429 || status < 200;
}

ProviderError unavailable(const std::string& what, const HttpReply& r) {
  std::string why = r.transport_ok ? "HTTP " + std::to_string(r.status) : r.error;
  log(LogLevel::kWarn, "identity provider unavailable", {{"step", what}, {"error", why}});
  return {true, "the identity provider did not answer (" + what + ": " + why + ")"};
}

}  // namespace

std::unique_ptr<Transport> make_curl_transport(int64_t connect_timeout_ms, int64_t timeout_ms) {
  return std::make_unique<CurlTransport>(connect_timeout_ms, timeout_ms);
}

Fetched<Discovery> read_discovery(const std::string& issuer, const HttpReply& reply) {
  Fetched<Discovery> out;
  if (!reply.transport_ok || unavailable_status(reply.status)) {
    out.error = unavailable("discovery", reply);
    return out;
  }
  rapidjson::Document d;
  d.Parse(reply.body.c_str());
  if (reply.status != 200 || d.HasParseError() || !d.IsObject()) {
    out.error = {true, "the provider's discovery document is not JSON (HTTP " +
                           std::to_string(reply.status) + ")"};
    return out;
  }
  // OpenID Connect Discovery 4.3: the issuer must be the one we asked (a
  // provider cannot speak for another: no mix-up of providers).
  if (member(d, "issuer") != issuer) {
    out.error = {false, "the discovery document names another issuer"};
    return out;
  }
  Discovery disc;
  disc.authorization_endpoint = member(d, "authorization_endpoint");
  disc.token_endpoint = member(d, "token_endpoint");
  disc.jwks_uri = member(d, "jwks_uri");
  for (const std::string* u :
       {&disc.authorization_endpoint, &disc.token_endpoint, &disc.jwks_uri}) {
    if (u->rfind("https://", 0) != 0 && u->rfind("http://", 0) != 0) {
      out.error = {false, "the discovery document lacks an endpoint"};
      return out;
    }
  }
  if (d.HasMember("code_challenge_methods_supported") &&
      !has_string(d, "code_challenge_methods_supported", "S256")) {
    out.error = {false, "the provider does not support PKCE with S256"};
    return out;
  }
  if (d.HasMember("token_endpoint_auth_methods_supported") &&
      !has_string(d, "token_endpoint_auth_methods_supported", "client_secret_basic") &&
      has_string(d, "token_endpoint_auth_methods_supported", "client_secret_post")) {
    disc.basic_auth = false;
  }
  out.value = std::move(disc);
  return out;
}

Fetched<Discovery> ProviderClient::discovery(const ProviderConfig& p, int64_t now) {
  auto it = discovery_.find(p.id);
  if (it != discovery_.end() && now - it->second.second < settings_.discovery_ttl_s) {
    return {it->second.first, {}};
  }
  auto fetched =
      read_discovery(p.issuer, transport_->get(p.issuer + "/.well-known/openid-configuration"));
  if (fetched.value) {
    discovery_[p.id] = {*fetched.value, now};
  } else if (it != discovery_.end() && fetched.error.unavailable) {
    return {it->second.first, {}};  // a stale document beats none while the provider is away
  }
  return fetched;
}

Fetched<std::string> ProviderClient::exchange_code(const ProviderConfig& p, const Discovery& d,
                                                   const std::string& code,
                                                   const std::string& redirect_uri,
                                                   const std::string& verifier) {
  std::string form = "grant_type=authorization_code&code=" + form_encode(code) +
                     "&redirect_uri=" + form_encode(redirect_uri) +
                     "&code_verifier=" + form_encode(verifier);
  HttpReply r;
  if (d.basic_auth) {
    // RFC 6749 2.3.1: the id and secret are form-encoded before Basic.
    r = transport_->post_form(d.token_endpoint, form, form_encode(p.client_id),
                              form_encode(p.client_secret));
  } else {
    form +=
        "&client_id=" + form_encode(p.client_id) + "&client_secret=" + form_encode(p.client_secret);
    r = transport_->post_form(d.token_endpoint, form, "", "");
  }
  Fetched<std::string> out;
  if (!r.transport_ok || unavailable_status(r.status)) {
    out.error = unavailable("token", r);
    return out;
  }
  rapidjson::Document doc;
  doc.Parse(r.body.c_str());
  if (r.status != 200) {
    std::string err = doc.HasParseError() ? "" : member(doc, "error");
    out.error = {false, "the provider refused the authorization code (" +
                            (err.empty() ? "HTTP " + std::to_string(r.status) : err) + ")"};
    return out;
  }
  std::string id_token = doc.HasParseError() ? "" : member(doc, "id_token");
  if (id_token.empty()) {
    out.error = {false, "the provider's token answer has no ID token"};
    return out;
  }
  out.value = id_token;
  return out;
}

bool ProviderClient::fetch_keys(const Discovery& d, KeyCache& cache, int64_t now) {
  cache.last_attempt = now;
  HttpReply r = transport_->get(d.jwks_uri);
  if (!r.transport_ok || r.status != 200) {
    unavailable("jwks", r);
    return false;
  }
  std::string error;
  auto jwks = parse_jwks(r.body, &error);
  if (!jwks) {
    log(LogLevel::kWarn, "identity provider keys unreadable", {{"error", error}});
    return false;
  }
  cache.jwks = std::move(jwks);
  cache.fetched_at = now;
  return true;
}

ProviderClient::Verified ProviderClient::verify(const ProviderConfig& p, const Discovery& d,
                                                const std::string& id_token, int64_t now) {
  KeyCache& cache = keys_[p.id];
  if (!cache.jwks || now - cache.fetched_at >= settings_.jwks_ttl_s) {
    // A failed refresh keeps the keys we have: they still verify until rotated.
    if (!fetch_keys(d, cache, now) && !cache.jwks) {
      return {{JwsError::kUnknownKey, "the provider's keys could not be fetched", ""}, true};
    }
  }
  JwsResult r = verify_jws(id_token, *cache.jwks);
  if (r.error != JwsError::kUnknownKey) return {r, false};
  // An unknown kid: the provider may have rotated its keys. One refetch, and
  // not more often than jwks_refetch_s.
  if (now - cache.last_attempt < settings_.jwks_refetch_s) return {r, false};
  if (!fetch_keys(d, cache, now)) return {r, true};
  return {verify_jws(id_token, *cache.jwks), false};
}

}  // namespace cinema::oidc
