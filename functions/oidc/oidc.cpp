#include "oidc.h"

#include <cstdlib>

#include "accounts.h"
#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/sessions.h"
#include "cinema/validate.h"

namespace cinema::oidc {
namespace {

Problem state_invalid(std::string detail) {
  return problem_of(400, "oidc-state-invalid", "Sign-in not recognised", std::move(detail));
}
Problem response_invalid(std::string detail) {
  return problem_of(400, "oidc-response-invalid", "Unusable answer from the identity provider",
                    std::move(detail));
}
Problem token_invalid(std::string detail) {
  return problem_of(401, "oidc-token-invalid", "ID token refused", std::move(detail));
}
Problem provider_unavailable(std::string detail) {
  Problem p = problem_of(503, "oidc-provider-unavailable", "Identity provider unavailable",
                         std::move(detail));
  p.headers.emplace_back("Retry-After", "5");
  return p;
}
Problem store_unavailable() {
  return service_unavailable("Sign-in with an identity provider needs Redis, which is unavailable");
}

StatusOr<const ProviderConfig*> provider_of(const Service& svc, const Request& req) {
  CINEMA_RETURN_IF_ERROR(svc.config_status);
  auto it = req.params.find("provider");
  const ProviderConfig* p = it == req.params.end() ? nullptr : svc.settings.find(it->second);
  if (p == nullptr) {
    return problem_of(404, "oidc-unknown-provider", "Unknown identity provider",
                      "No identity provider with this id is configured");
  }
  return p;
}

Status rate_limited(Context& ctx, const Request& req) {
  const auto& rate = ctx.config().rate;
  BucketSpec per_address{static_cast<double>(rate.login_address_burst),
                         rate.login_address_refill_per_minute / 60.0};
  return check_address_rate(ctx.limiter(), rate, "oidc", req.remote_addr, per_address);
}

std::string callback_uri(const Service& svc, const ProviderConfig& p) {
  return svc.settings.public_url + "/v1/auth/oidc/" + p.id + "/callback";
}

Response redirect_to(std::string location) {
  Response r;
  r.status = 302;
  r.content_type = "";
  r.with_header("Location", std::move(location));
  r.with_header("Cache-Control", "no-store");
  return r;
}

// The sign-in in progress, as kept in Redis (one field a line; none can hold a newline).
struct Pending {
  std::string provider, nonce, verifier, redirect;
};
std::string encode(const Pending& p) {
  return p.provider + "\n" + p.nonce + "\n" + p.verifier + "\n" + p.redirect;
}
std::optional<Pending> decode(const std::string& s) {
  Pending p;
  size_t a = s.find('\n'), b = s.find('\n', a + 1), c = s.find('\n', b + 1);
  if (a == std::string::npos || b == std::string::npos || c == std::string::npos)
    return std::nullopt;
  p.provider = s.substr(0, a);
  p.nonce = s.substr(a + 1, b - a - 1);
  p.verifier = s.substr(b + 1, c - b - 1);
  p.redirect = s.substr(c + 1);
  return p;
}

std::string state_key(const std::string& state) {
  return "oidc:state:" + sha256_hex(state);
}

Response providers(Service& svc, const Request&, Context&) {
  CINEMA_RETURN_IF_ERROR(svc.config_status);
  JsonWriter w;
  w.begin_object().key("items").begin_array();
  for (const auto& p : svc.settings.providers) {
    w.begin_object().field("id", p.id).field("name", p.name).end_object();
  }
  w.end_array().end_object();
  return Response::json(200, w.str());
}

Response start(Service& svc, const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const ProviderConfig* p, provider_of(svc, req));
  CINEMA_ASSIGN_OR_RETURN(
      std::string redirect,
      allowed_redirect(req.query_param("redirect").value_or("/"), svc.settings.redirects));
  CINEMA_RETURN_IF_ERROR(rate_limited(ctx, req));
  auto disc = svc.client.discovery(*p, ctx.clock().now_s());
  if (!disc.value) return provider_unavailable(disc.error.reason);

  std::string state = random_token(32);
  Pending pending{p->id, random_token(32), random_token(32), redirect};
  auto stored = ctx.redis().command({"SET", state_key(state), encode(pending), "EX",
                                     std::to_string(svc.settings.state_ttl_s), "NX"});
  if (!stored || stored->kind != RedisValue::Kind::kStatus) return store_unavailable();

  const std::string& ep = disc.value->authorization_endpoint;
  std::string url = ep + (ep.find('?') == std::string::npos ? "?" : "&") +
                    "response_type=code&client_id=" + form_encode(p->client_id) +
                    "&redirect_uri=" + form_encode(callback_uri(svc, *p)) +
                    "&scope=openid%20email%20profile&state=" + state + "&nonce=" + pending.nonce +
                    "&code_challenge=" + pkce_challenge(pending.verifier) +
                    "&code_challenge_method=S256";
  return redirect_to(url);
}

// An error code the provider sent, as we repeat it to the client.
std::string safe_error(const std::string& e) {
  std::string out;
  for (char c : e.substr(0, 64)) {
    if ((c >= 'a' && c <= 'z') || c == '_') out += c;
  }
  return out.empty() ? "error" : out;
}

Response callback(Service& svc, const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const ProviderConfig* p, provider_of(svc, req));
  CINEMA_RETURN_IF_ERROR(rate_limited(ctx, req));
  std::string state = req.query_param("state").value_or("");
  if (state.empty() || state.size() > 512) {
    return state_invalid("The answer carries no state of a sign-in started here");
  }
  // Consumed whatever follows: a state is good for one answer (no replay).
  auto got = ctx.redis().command({"GETDEL", state_key(state)});
  if (!got) return store_unavailable();
  std::optional<Pending> pending;
  if (got->kind == RedisValue::Kind::kString) pending = decode(got->str);
  if (!pending) {
    return state_invalid("This sign-in is unknown, has expired or was already used; start again");
  }
  if (pending->provider != p->id) {
    return state_invalid("This sign-in was started with another identity provider");
  }
  // RFC 9207: where the provider names itself, it must be the one asked.
  if (auto iss = req.query_param("iss"); iss && *iss != p->issuer) {
    return response_invalid("The answer comes from another issuer than the one asked");
  }
  if (auto error = req.query_param("error")) {
    log(LogLevel::kInfo, "identity provider refused sign-in",
        {{"provider", p->id}, {"error", safe_error(*error)}});
    return redirect_to(svc.settings.public_url + pending->redirect +
                       "#oidc_error=" + safe_error(*error));
  }
  std::string code = req.query_param("code").value_or("");
  if (code.empty() || code.size() > 2048) return response_invalid("The answer carries no code");

  int64_t now = ctx.clock().now_s();
  auto disc = svc.client.discovery(*p, now);
  if (!disc.value) return provider_unavailable(disc.error.reason);
  auto id_token =
      svc.client.exchange_code(*p, *disc.value, code, callback_uri(svc, *p), pending->verifier);
  if (!id_token.value) {
    if (id_token.error.unavailable) return provider_unavailable(id_token.error.reason);
    return problem_of(400, "oidc-code-rejected", "Authorization code refused",
                      id_token.error.reason);
  }
  auto verified = svc.client.verify(*p, *disc.value, *id_token.value, now);
  if (verified.jws.error != JwsError::kNone) {
    if (verified.keys_unavailable) {
      return provider_unavailable(
          "The provider's keys could not be fetched to verify the ID token");
    }
    log(LogLevel::kWarn, "ID token refused",
        {{"provider", p->id}, {"reason", verified.jws.reason}});
    return token_invalid(verified.jws.reason);
  }
  IdTokenExpectation want{p->issuer, p->client_id, pending->nonce, now, svc.settings.skew_s, 600};
  ClaimsResult claims = check_id_claims(verified.jws.payload_json, want);
  if (!claims.error.empty()) {
    log(LogLevel::kWarn, "ID token refused", {{"provider", p->id}, {"reason", claims.error}});
    return token_invalid(claims.error);
  }

  CINEMA_ASSIGN_OR_RETURN(LinkedAccount account, link_account(ctx, p->id, claims.claims));
  if (account.disabled) {
    return problem_of(403, "oidc-account-disabled", "Account disabled", "This account is disabled");
  }
  std::string one_time = random_token(32);
  auto stored = ctx.redis().command({"SET", "oidc:code:" + sha256_hex(one_time),
                                     std::to_string(account.user_id), "EX",
                                     std::to_string(svc.settings.code_ttl_s)});
  if (!stored || stored->kind != RedisValue::Kind::kStatus) return store_unavailable();
  // In the fragment: browsers send it to nobody, not even us.
  return redirect_to(svc.settings.public_url + pending->redirect + "#oidc_code=" + one_time);
}

Response exchange(Service& svc, const Request& req, Context& ctx) {
  CINEMA_RETURN_IF_ERROR(svc.config_status);
  CINEMA_ASSIGN_OR_RETURN(JsonBody body, read_json(req, {"code"}));
  auto code = body.string("code", true, 1, 256);
  CINEMA_RETURN_IF_ERROR(body.finish());
  CINEMA_RETURN_IF_ERROR(rate_limited(ctx, req));
  auto got = ctx.redis().command({"GETDEL", "oidc:code:" + sha256_hex(*code)});
  if (!got) return store_unavailable();
  char* end = nullptr;
  int64_t user_id =
      got->kind == RedisValue::Kind::kString ? std::strtoll(got->str.c_str(), &end, 10) : 0;
  if (user_id <= 0) {
    return problem_of(400, "oidc-code-invalid", "Sign-in code not valid",
                      "This code is unknown, has expired or was already used; sign in again");
  }
  CINEMA_ASSIGN_OR_RETURN(TokenPair pair, sign_in(ctx, user_id));
  return Response::json(200, token_pair_json(pair)).with_header("Cache-Control", "no-store");
}

template <class F>
Handler bind(Service& svc, F f) {
  return [&svc, f](const Request& req, Context& ctx) { return f(svc, req, ctx); };
}

Service& process_service() {
  static Service svc = [] {
    auto parsed = settings_from([](const char* name) { return std::getenv(name); });
    if (!parsed.ok()) {
      log(LogLevel::kError, "OpenID Connect settings refused",
          {{"error", parsed.problem().detail}});
      return Service(Settings{}, make_curl_transport(2000, 5000), parsed.problem());
    }
    Settings s = *parsed;
    auto transport = make_curl_transport(s.connect_timeout_ms, s.timeout_ms);
    return Service(std::move(s), std::move(transport));
  }();
  return svc;
}

template <class F>
Handler lazy(F f) {
  return [f](const Request& req, Context& ctx) { return f(process_service(), req, ctx); };
}

}  // namespace

Router make_router(Service& svc) {
  return Router{
      {"GET", "/v1/auth/oidc/providers", bind(svc, providers)},
      {"POST", "/v1/auth/oidc/exchange", bind(svc, exchange)},
      {"GET", "/v1/auth/oidc/{provider}/start", bind(svc, start)},
      {"GET", "/v1/auth/oidc/{provider}/callback", bind(svc, callback)},
  };
}

const Router& router() {
  static const Router r{
      {"GET", "/v1/auth/oidc/providers", lazy(providers)},
      {"POST", "/v1/auth/oidc/exchange", lazy(exchange)},
      {"GET", "/v1/auth/oidc/{provider}/start", lazy(start)},
      {"GET", "/v1/auth/oidc/{provider}/callback", lazy(callback)},
  };
  return r;
}

}  // namespace cinema::oidc
