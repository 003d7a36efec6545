// Sign-in with an OpenID Connect provider, end to end against the real
// provider the test stack runs (infra/oidc-demo: the `oidc-provider` package
// under node, in test mode). The browser's part at the provider (its cookies,
// the sign-in form, the redirects) is played by a cookie-keeping libcurl
// handle; our routes are called through nginx with the suite's client, so
// their answers are checked against the OpenAPI description too.
//
// The refusals use the provider's test hooks: it alters the next ID token it
// issues (a changed claim, another audience, issuer or nonce, an expired
// token, alg none, HS256), and makes its JWKS answer 503. A restart of the
// provider (scripts/stack svc-stop/svc-start oidc-demo) rotates its key.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include "cinema/crypto.h"
#include "cinema/redis.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

std::string provider_url() {
  const char* port = std::getenv("CINEMA_OIDC_DEMO_PORT");
  return std::string("http://127.0.0.1:") + (port != nullptr ? port : "18090");
}

// The browser at the provider: keeps its cookies, follows nothing by itself.
class ProviderBrowser {
 public:
  struct Reply {
    long status = 0;
    std::string location;  // absolute
    std::string body;
  };
  ProviderBrowser() : curl_(curl_easy_init()) {
    curl_easy_setopt(curl_, CURLOPT_COOKIEFILE, "");  // in-memory cookie engine
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 10L);
  }
  ~ProviderBrowser() { curl_easy_cleanup(curl_); }
  ProviderBrowser(const ProviderBrowser&) = delete;
  ProviderBrowser& operator=(const ProviderBrowser&) = delete;

  Reply get(const std::string& url) { return perform(url, nullptr); }
  Reply post(const std::string& url, const std::string& form) { return perform(url, &form); }

 private:
  static size_t on_body(char* d, size_t s, size_t n, void* out) {
    static_cast<std::string*>(out)->append(d, s * n);
    return s * n;
  }
  Reply perform(const std::string& url, const std::string* form) {
    Reply r;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    if (form != nullptr) {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, form->c_str());
    } else {
      curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &r.body);
    if (curl_easy_perform(curl_) == CURLE_OK) {
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &r.status);
      char* loc = nullptr;
      curl_easy_getinfo(curl_, CURLINFO_REDIRECT_URL, &loc);
      if (loc != nullptr) r.location = loc;
    }
    return r;
  }
  CURL* curl_;
};

// A test hook of the provider (test mode only).
void provider_hook(const std::string& path_and_query) {
  ProviderBrowser b;
  auto r = b.post(provider_url() + path_and_query, "");
  ASSERT_EQ(r.status, 200) << path_and_query << ": " << r.body;
}

struct Identity {
  std::string email;
  bool email_verified = true;
};

Identity fresh_identity(bool verified = true) {
  return {unique_email("oidc"), verified};
}

// Our path (with query) of an absolute URL on our site.
std::string our_path(const std::string& url) {
  std::string base = base_url();
  return url.rfind(base, 0) == 0 ? url.substr(base.size()) : url;
}

// What our callback's 302 carries in its fragment ("oidc_code" / "oidc_error").
std::string fragment_value(const HttpResponse& r, const std::string& name) {
  std::string loc = r.header("location");
  size_t at = loc.find("#" + name + "=");
  return at == std::string::npos ? "" : loc.substr(at + name.size() + 2);
}

struct Flow {
  HttpResponse start;
  std::string state;
  std::string callback_path;  // where the provider sends the browser back
};

// start -> the provider's sign-in form -> signed in there -> back towards us
// (not yet called).
Flow to_callback(const Identity& who, const std::string& redirect = "/") {
  Flow f;
  f.start = get("/v1/auth/oidc/demo/start?redirect=" + url_encode(redirect));
  EXPECT_EQ(f.start.status, 302) << f.start.describe();
  std::string auth = f.start.header("location");
  EXPECT_EQ(auth.rfind(provider_url() + "/", 0), 0u) << auth;
  size_t s = auth.find("&state=");
  if (s != std::string::npos) f.state = auth.substr(s + 7, auth.find('&', s + 1) - s - 7);
  ProviderBrowser browser;
  auto interaction = browser.get(auth);
  EXPECT_EQ(interaction.status, 303) << interaction.body;
  auto login = browser.post(
      interaction.location + "/login",
      "email=" + url_encode(who.email) +
          "&password=test-pass&email_verified=" + (who.email_verified ? "true" : "false"));
  EXPECT_EQ(login.status, 303) << login.body;
  auto back = browser.get(login.location);
  EXPECT_EQ(back.status, 303) << back.body;
  f.callback_path = our_path(back.location);
  EXPECT_EQ(f.callback_path.rfind("/v1/auth/oidc/demo/callback?", 0), 0u) << back.location;
  return f;
}

struct SignedIn {
  std::string code;
  Tokens tokens;
  int64_t user_id = 0;
  std::string email;
  std::string role;
};

SignedIn sign_in(const Identity& who) {
  SignedIn out;
  Flow f = to_callback(who);
  HttpResponse cb = get(f.callback_path);
  EXPECT_EQ(cb.status, 302) << cb.describe();
  EXPECT_EQ(cb.header("location").rfind(base_url() + "/#oidc_code=", 0), 0u)
      << cb.header("location");
  out.code = fragment_value(cb, "oidc_code");
  HttpResponse ex = post("/v1/auth/oidc/exchange", json_object({{"code", out.code}}));
  EXPECT_EQ(ex.status, 200) << ex.describe();
  out.tokens = {json_string(ex, "access_token"), json_string(ex, "refresh_token")};
  HttpResponse me = get("/v1/me", {bearer(out.tokens.access_token)});
  EXPECT_EQ(me.status, 200) << me.describe();
  out.user_id = json_int(me, "id").value_or(0);
  out.email = json_string(me, "email");
  out.role = json_string(me, "role");
  return out;
}

int64_t users_with_email(const std::string& email) {
  return count_rows("SELECT COUNT(*) FROM users WHERE email = ?", email);
}
int64_t identities_with_email(const std::string& email) {
  return count_rows("SELECT COUNT(*) FROM oidc_identities WHERE email = ?", email);
}

// The callback refused the answer and signed nobody in: a problem, no code,
// no account and no identity for `who`.
void expect_refused(const HttpResponse& cb, int status, const std::string& type,
                    const Identity& who) {
  EXPECT_TRUE(IsProblem(cb, status)) << cb.describe();
  EXPECT_EQ(json_string(cb, "type"), type) << cb.describe();
  EXPECT_FALSE(cb.has_header("location")) << cb.describe();
  EXPECT_EQ(cb.body.find("oidc_code"), std::string::npos);
  EXPECT_EQ(users_with_email(who.email), 0);
  EXPECT_EQ(identities_with_email(who.email), 0);
}

// ---------------------------------------------------------------- sign-in

TEST(OidcSignIn, ProvidersAreListed) {
  HttpResponse r = get("/v1/auth/oidc/providers");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_NE(r.body.find(R"({"id":"demo","name":"Demo ID"})"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST(OidcSignIn, StartSendsStateNoncePkceS256) {
  HttpResponse r = get("/v1/auth/oidc/demo/start?redirect=%2F");
  ASSERT_EQ(r.status, 302) << r.describe();
  std::string loc = r.header("location");
  for (const char* part : {"response_type=code", "&state=", "&nonce=", "&code_challenge=",
                           "code_challenge_method=S256", "scope=openid%20email%20profile",
                           "redirect_uri=http%3A%2F%2F127.0.0.1"}) {
    EXPECT_NE(loc.find(part), std::string::npos) << part << " in " << loc;
  }
  EXPECT_EQ(loc.find("code_verifier"), std::string::npos);  // the verifier stays with us
}

TEST(OidcSignIn, FullSignInCreatesACustomerAndTheSecondSignsInToTheSameAccount) {
  Identity who = fresh_identity();
  SignedIn first = sign_in(who);
  ASSERT_GT(first.user_id, 0);
  EXPECT_EQ(first.email, who.email);  // verified, and nobody had it
  EXPECT_EQ(first.role, "CUSTOMER");
  EXPECT_EQ(identities_with_email(who.email), 1);
  // The pair works like login's: refresh rotates it, logout ends it.
  HttpResponse refreshed =
      post("/v1/auth/refresh", json_object({{"refresh_token", first.tokens.refresh_token}}));
  EXPECT_EQ(refreshed.status, 200) << refreshed.describe();
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity_id = " +
                           std::to_string(first.user_id),
                       std::string("user.oidc_register")),
            1);

  SignedIn second = sign_in(who);
  EXPECT_EQ(second.user_id, first.user_id);
  EXPECT_EQ(identities_with_email(who.email), 1);
  EXPECT_EQ(users_with_email(who.email), 1);
  EXPECT_GE(count_rows("SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity_id = " +
                           std::to_string(first.user_id),
                       std::string("session.oidc_signin")),
            2);
}

TEST(OidcSignIn, AVerifiedEmailLinksTheExistingAccount) {
  TestUser user = register_user("oidc-link");
  SignedIn s = sign_in({user.email, true});
  EXPECT_EQ(s.user_id, user.id);
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM oidc_identities WHERE user_id = ?", user.id), 1);
  // The password still works too.
  EXPECT_FALSE(login(user).access_token.empty());
}

TEST(OidcSignIn, AnUnverifiedEmailNeverTakesOverAnAccount) {
  TestUser user = register_user("oidc-victim");
  SignedIn s = sign_in({user.email, false});
  ASSERT_GT(s.user_id, 0);
  EXPECT_NE(s.user_id, user.id);
  EXPECT_NE(s.email, user.email);
  EXPECT_NE(s.email.find("@oidc.invalid"), std::string::npos) << s.email;
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM oidc_identities WHERE user_id = ?", user.id), 0);
  // The new account has no password anybody can log in with (400 when the
  // placeholder address is not even accepted as an email, else 401).
  HttpResponse r =
      post("/v1/auth/login", json_object({{"email", s.email}, {"password", "!oidc:no-password"}}));
  EXPECT_TRUE(r.status == 400 || r.status == 401) << r.describe();
}

TEST(OidcSignIn, ProviderErrorReturnsToTheClientWithoutACode) {
  HttpResponse start = get("/v1/auth/oidc/demo/start?redirect=%2F");
  ASSERT_EQ(start.status, 302);
  std::string loc = start.header("location");
  size_t s = loc.find("&state=");
  std::string state = loc.substr(s + 7, loc.find('&', s + 1) - s - 7);
  HttpResponse cb = get("/v1/auth/oidc/demo/callback?error=access_denied&state=" + state);
  ASSERT_EQ(cb.status, 302) << cb.describe();
  EXPECT_EQ(fragment_value(cb, "oidc_error"), "access_denied");
  EXPECT_EQ(fragment_value(cb, "oidc_code"), "");
}

// ---------------------------------------------------------------- refusals

TEST(OidcRefusals, ReplayedStateIsRefused) {
  Identity who = fresh_identity();
  Flow f = to_callback(who);
  HttpResponse first = get(f.callback_path);
  ASSERT_EQ(first.status, 302) << first.describe();
  int64_t users = users_with_email(who.email);
  HttpResponse again = get(f.callback_path);
  EXPECT_TRUE(IsProblem(again, 400)) << again.describe();
  EXPECT_EQ(json_string(again, "type"), "/problems/oidc-state-invalid");
  EXPECT_FALSE(again.has_header("location"));
  EXPECT_EQ(users_with_email(who.email), users);
}

TEST(OidcRefusals, UnknownStateIsRefused) {
  Identity who = fresh_identity();
  Flow f = to_callback(who);
  std::string forged = f.callback_path;
  forged.replace(forged.find("state=") + 6, f.state.size(), "forged-state-never-issued");
  expect_refused(get(forged), 400, "/problems/oidc-state-invalid", who);
  expect_refused(get("/v1/auth/oidc/demo/callback?code=x"), 400, "/problems/oidc-state-invalid",
                 who);
}

TEST(OidcRefusals, BadRedirectIsRefused) {
  for (const char* target : {"https://evil.example/", "//evil.example/x", "/\\evil.example",
                             "/v1/../x", "/not-allowed"}) {
    HttpResponse r = get("/v1/auth/oidc/demo/start?redirect=" + url_encode(target));
    EXPECT_TRUE(IsProblem(r, 400)) << target << ": " << r.describe();
    EXPECT_EQ(json_string(r, "type"), "/problems/oidc-redirect-not-allowed") << target;
    EXPECT_FALSE(r.has_header("location"));
  }
  EXPECT_TRUE(IsProblem(get("/v1/auth/oidc/nobody/start"), 404));
}

class TamperedIdToken : public ::testing::TestWithParam<const char*> {};

TEST_P(TamperedIdToken, IsRefusedAndSignsNobodyIn) {
  Identity who = fresh_identity();
  Flow f = to_callback(who);
  provider_hook(std::string("/test/tamper?mode=") + GetParam());
  expect_refused(get(f.callback_path), 401, "/problems/oidc-token-invalid", who);
}

// payload: a claim changed under the real signature; aud: another client's
// token; iss: another issuer (mix-up); nonce: not ours (replayed token);
// expired; alg-none and hs256: algorithms we never accept.
INSTANTIATE_TEST_SUITE_P(OidcRefusals, TamperedIdToken,
                         ::testing::Values("payload", "aud", "iss", "nonce", "expired", "alg-none",
                                           "hs256"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

TEST(OidcRefusals, ReusedCodeIsRefused) {
  Identity who = fresh_identity();
  Flow f = to_callback(who);
  HttpResponse cb = get(f.callback_path);
  std::string code = fragment_value(cb, "oidc_code");
  ASSERT_FALSE(code.empty()) << cb.describe();
  EXPECT_EQ(post("/v1/auth/oidc/exchange", json_object({{"code", code}})).status, 200);
  HttpResponse again = post("/v1/auth/oidc/exchange", json_object({{"code", code}}));
  EXPECT_TRUE(IsProblem(again, 400)) << again.describe();
  EXPECT_EQ(json_string(again, "type"), "/problems/oidc-code-invalid");
  EXPECT_EQ(json_string(again, "access_token"), "");
}

TEST(OidcRefusals, ExpiredCodeIsRefused) {
  Identity who = fresh_identity();
  Flow f = to_callback(who);
  std::string code = fragment_value(get(f.callback_path), "oidc_code");
  ASSERT_FALSE(code.empty());
  // The code lives a minute at most; this one is made to expire now.
  cinema::Redis redis(stack_config().redis);
  std::string key = "oidc:code:" + cinema::sha256_hex(code);
  auto ttl = redis.command({"TTL", key});
  ASSERT_TRUE(ttl.has_value());
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, 60);
  ASSERT_TRUE(redis.command({"PEXPIRE", key, "1"}).has_value());
  for (int i = 0; i < 100 && redis.command({"EXISTS", key})->integer == 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  HttpResponse r = post("/v1/auth/oidc/exchange", json_object({{"code", code}}));
  EXPECT_TRUE(IsProblem(r, 400)) << r.describe();
  EXPECT_EQ(json_string(r, "type"), "/problems/oidc-code-invalid");
  EXPECT_TRUE(
      IsProblem(post("/v1/auth/oidc/exchange", json_object({{"code", "never-issued"}})), 400));
}

TEST(OidcRefusals, MalformedExchangeBodiesAre400) {
  const char* bodies[] = {"not json", "{}", R"({"code":5})", R"({"code":""})"};
  for (const char* body : bodies) {
    HttpResponse r = post("/v1/auth/oidc/exchange", body);
    EXPECT_TRUE(IsProblem(r, 400)) << body << ": " << r.describe();
    EXPECT_EQ(r.body.find("access_token"), std::string::npos) << body;
  }
}

// Redis keeps the sign-ins in flight (state, nonce, verifier, one-time code):
// without it every route answers 503 with Retry-After, never a 500 or a
// sign-in, and once it is back a sign-in works again. (The sign-in that was
// under way is lost with Redis's memory: its user starts again.)
TEST(OidcRedisOutage, EveryRouteIs503AndNobodyIsSignedIn) {
  if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL not set";
  Identity who = fresh_identity();
  Flow f = to_callback(who);
  {
    ServiceStop stop("redis");
    ASSERT_TRUE(stop.stopped());
    HttpResponse cb = get(f.callback_path);
    expect_refused(cb, 503, "/problems/unavailable", who);
    EXPECT_FALSE(cb.header("retry-after").empty()) << cb.describe();
    HttpResponse start = get("/v1/auth/oidc/demo/start?redirect=%2F");
    EXPECT_TRUE(IsProblem(start, 503)) << start.describe();
    EXPECT_FALSE(start.has_header("location"));
    HttpResponse ex = post("/v1/auth/oidc/exchange", json_object({{"code", "any-code"}}));
    EXPECT_TRUE(IsProblem(ex, 503)) << ex.describe();
    EXPECT_EQ(ex.body.find("access_token"), std::string::npos);
  }
  // Each process finds Redis again by itself (after its one-second back-off):
  // within a bound, starts are redirects again, on every process.
  int redirects_in_a_row = 0;
  for (int i = 0; i < 150 && redirects_in_a_row < 6; ++i) {
    if (get("/v1/auth/oidc/demo/start?redirect=%2F").status == 302) {
      ++redirects_in_a_row;
    } else {
      redirects_in_a_row = 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_EQ(redirects_in_a_row, 6) << "sign-in did not recover after Redis came back";
  SignedIn s = sign_in(who);
  EXPECT_GT(s.user_id, 0);
  EXPECT_EQ(users_with_email(who.email), 1);
}

// ---------------------------------------------------------------- provider outages

class OidcOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_ctl_available()) GTEST_SKIP() << "CINEMA_STACK_CTL not set";
  }
  void TearDown() override {
    stack_ctl("svc-start oidc-demo");
    ProviderBrowser b;
    b.post(provider_url() + "/test/jwks?down=0", "");
  }
};

TEST_F(OidcOutage, ProviderDownAtTokenTimeIs503ThenARotatedKeyIsPickedUp) {
  Identity who = fresh_identity();
  Flow f = to_callback(who);
  ASSERT_EQ(stack_ctl("svc-stop oidc-demo"), 0);
  HttpResponse cb = get(f.callback_path);
  expect_refused(cb, 503, "/problems/oidc-provider-unavailable", who);
  EXPECT_FALSE(cb.header("retry-after").empty());
  // Back with a new signing key (a new kid): the next sign-in fetches it.
  ASSERT_EQ(stack_ctl("svc-start oidc-demo"), 0);
  SignedIn s = sign_in(fresh_identity());
  EXPECT_GT(s.user_id, 0);
}

TEST_F(OidcOutage, JwksOutageWithANewKeyIs503AndRecovers) {
  // A restart rotates the key, so every process meets an unknown kid.
  ASSERT_EQ(stack_ctl("svc-stop oidc-demo"), 0);
  ASSERT_EQ(stack_ctl("svc-start oidc-demo"), 0);
  provider_hook("/test/jwks?down=1");
  Identity who = fresh_identity();
  Flow f = to_callback(who);
  HttpResponse cb = get(f.callback_path);
  expect_refused(cb, 503, "/problems/oidc-provider-unavailable", who);
  EXPECT_FALSE(cb.header("retry-after").empty());
  provider_hook("/test/jwks?down=0");
  SignedIn s = sign_in(who);
  EXPECT_GT(s.user_id, 0);
  EXPECT_EQ(s.email, who.email);
}

}  // namespace
}  // namespace itest
