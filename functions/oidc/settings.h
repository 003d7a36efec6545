// Configuration of OpenID Connect sign-in, read from the environment once per
// process, and the small pure rules around it (redirect allow-list, PKCE).
//
//   CINEMA_OIDC_PROVIDERS   "id|Name|issuer|client_id" entries separated by ';'
//                           or newlines, e.g.
//                           "google|Google|https://accounts.google.com|123.apps.googleusercontent.com"
//   CINEMA_OIDC_<ID>_CLIENT_SECRET  each provider's client secret (ID upper-cased,
//                           '-' as '_'); environment only, never in the list
//   CINEMA_PUBLIC_URL       the site as browsers reach it (the callback is
//                           <it>/v1/auth/oidc/<id>/callback)
//   CINEMA_OIDC_REDIRECTS   where a sign-in may return: paths, space or comma
//                           separated; "/app/*" allows the paths under /app/
//                           (default "/")
//   CINEMA_OIDC_JWKS_REFETCH_SECONDS  the least time between two fetches of a
//                           provider's keys caused by an unknown kid (10)
//   CINEMA_OIDC_TIMEOUT_MS / CINEMA_OIDC_CONNECT_TIMEOUT_MS  calls to a provider (5000 / 2000)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cinema/status.h"

namespace cinema::oidc {

struct ProviderConfig {
  std::string id;  // [a-z0-9-]{1,32}, the path segment
  std::string name;
  std::string issuer;
  std::string client_id;
  std::string client_secret;
};

struct Settings {
  std::vector<ProviderConfig> providers;
  std::string public_url;
  std::vector<std::string> redirects{"/"};
  int64_t state_ttl_s = 600;    // a sign-in in progress
  int64_t code_ttl_s = 60;      // the one-time code the client exchanges
  int64_t jwks_refetch_s = 10;  // least interval between refetches for an unknown kid
  int64_t jwks_ttl_s = 3600;    // keys kept this long, then fetched again
  int64_t discovery_ttl_s = 3600;
  int64_t connect_timeout_ms = 2000;
  int64_t timeout_ms = 5000;
  int64_t skew_s = 60;

  const ProviderConfig* find(std::string_view id) const;
};

// Parses the settings from `env` (a getenv); a malformed value is an error
// naming the variable (the process refuses to start, like Config::from_env).
StatusOr<Settings> settings_from(const std::function<const char*(const char*)>& env);

// The redirect target as given when it is a path on our own site that the
// allow-list admits, else the reason it is refused.
StatusOr<std::string> allowed_redirect(std::string_view target,
                                       const std::vector<std::string>& allow);

// RFC 7636: BASE64URL(SHA256(ASCII(verifier))).
std::string pkce_challenge(std::string_view verifier);

// application/x-www-form-urlencoded component (RFC 3986 unreserved kept).
std::string form_encode(std::string_view s);

}  // namespace cinema::oidc
