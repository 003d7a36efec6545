// Talking to an OpenID Connect provider: discovery, its keys and the token
// endpoint, over a transport that unit tests replace. Discovery documents and
// key sets are cached per process; an unknown kid refetches the keys at most
// once per `jwks_refetch_s`, so a key rotation is picked up at once while a
// flood of forged kids costs the provider one fetch per interval.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "id_token.h"
#include "settings.h"

namespace cinema::oidc {

struct HttpReply {
  bool transport_ok = false;  // false: refused, timed out, ...
  long status = 0;
  std::string body;
  std::string error;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpReply get(const std::string& url) = 0;
  // POST of a form; `basic_user`/`basic_password` as HTTP Basic when not empty.
  virtual HttpReply post_form(const std::string& url, const std::string& form,
                              const std::string& basic_user, const std::string& basic_password) = 0;
};

// libcurl, no redirects followed, http(s) only, with the settings' timeouts.
std::unique_ptr<Transport> make_curl_transport(int64_t connect_timeout_ms, int64_t timeout_ms);

struct Discovery {
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  bool basic_auth = true;  // client_secret_basic, else client_secret_post
};

// Why a step failed: the provider could not be asked (503 for us), or it
// answered something we refuse.
struct ProviderError {
  bool unavailable = false;
  std::string reason;
};

template <class T>
struct Fetched {
  std::optional<T> value;
  ProviderError error;
};

// Reads a discovery document; `issuer` must be the document's issuer exactly.
Fetched<Discovery> read_discovery(const std::string& issuer, const HttpReply& reply);

class ProviderClient {
 public:
  ProviderClient(const Settings& settings, std::unique_ptr<Transport> transport)
      : settings_(settings), transport_(std::move(transport)) {}

  Fetched<Discovery> discovery(const ProviderConfig& p, int64_t now);
  // The code exchanged at the token endpoint: the ID token, or why not. A
  // 4xx answer (invalid_grant: a wrong, used or injected code, a wrong
  // verifier) is a refusal; 5xx or no answer is "unavailable".
  Fetched<std::string> exchange_code(const ProviderConfig& p, const Discovery& d,
                                     const std::string& code, const std::string& redirect_uri,
                                     const std::string& verifier);
  // The ID token verified against the provider's keys (cached; one refetch
  // for an unknown kid). kUnknownKey after a failed refetch is reported as
  // unavailable, since the keys could not be read.
  struct Verified {
    JwsResult jws;
    bool keys_unavailable = false;
  };
  Verified verify(const ProviderConfig& p, const Discovery& d, const std::string& id_token,
                  int64_t now);

 private:
  struct KeyCache {
    std::optional<Jwks> jwks;
    int64_t fetched_at = 0;
    int64_t last_attempt = -1000000;
  };
  bool fetch_keys(const Discovery& d, KeyCache& cache, int64_t now);
  const Settings& settings_;
  std::unique_ptr<Transport> transport_;
  std::map<std::string, std::pair<Discovery, int64_t>> discovery_;
  std::map<std::string, KeyCache> keys_;
};

}  // namespace cinema::oidc
