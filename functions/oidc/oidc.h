// Sign-in with an OpenID Connect provider (authorization code flow with PKCE,
// state and nonce), beside passwords:
//   GET  /v1/auth/oidc/providers           the configured providers {id, name}
//   GET  /v1/auth/oidc/{provider}/start?redirect= 302 to the provider
//   GET  /v1/auth/oidc/{provider}/callback       302 back to `redirect`#oidc_code=<one-time code>
//   POST /v1/auth/oidc/exchange {"code"}   200 our token pair, as login answers
// The sign-in in progress (state, nonce, PKCE verifier, redirect) and the
// one-time code live in Redis, short-lived and single use (GETDEL). Tokens
// never appear in a URL.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"
#include "provider.h"
#include "settings.h"

namespace cinema::oidc {

// What the handlers need besides the Context; one per process.
struct Service {
  Settings settings;
  ProviderClient client;
  Status config_status;  // not ok: the settings were malformed (every route answers 503)
  Service(Settings s, std::unique_ptr<Transport> transport, Status status = {})
      : settings(std::move(s)),
        client(settings, std::move(transport)),
        config_status(std::move(status)) {}
};

// The routes over `svc` (unit tests pass their own, with a fake transport).
Router make_router(Service& svc);

// The function's routes over the process's Service (settings from the
// environment, libcurl), made at the first request.
const Router& router();

}  // namespace cinema::oidc
