#include "oidc.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <map>

#include "accounts.h"
#include "cinema/crypto.h"
#include "cinema/json.h"
#include "id_token.h"
#include "provider.h"
#include "settings.h"

namespace cinema::oidc {
namespace {

// ---------------------------------------------------------------- keys made here

struct TestKey {
  std::shared_ptr<EVP_PKEY> pkey;
  std::string alg;  // RS256 | ES256
  std::string kid;

  static TestKey rsa(std::string kid) {
    return {std::shared_ptr<EVP_PKEY>(EVP_RSA_gen(2048), EVP_PKEY_free), "RS256", std::move(kid)};
  }
  static TestKey ec(std::string kid) {
    return {std::shared_ptr<EVP_PKEY>(EVP_EC_gen("P-256"), EVP_PKEY_free), "ES256", std::move(kid)};
  }

  static std::string bn_param(EVP_PKEY* k, const char* name, size_t pad) {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(k, name, &bn);
    std::string out(pad == 0 ? static_cast<size_t>(BN_num_bytes(bn)) : pad, '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
    BN_free(bn);
    return base64url_encode(out);
  }

  // The public half as a JWK.
  std::string jwk() const {
    JsonWriter w;
    w.begin_object().field("kid", kid).field("use", "sig").field("alg", alg);
    if (alg == "RS256") {
      w.field("kty", "RSA")
          .field("n", bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_N, 0))
          .field("e", bn_param(pkey.get(), OSSL_PKEY_PARAM_RSA_E, 0));
    } else {
      w.field("kty", "EC")
          .field("crv", "P-256")
          .field("x", bn_param(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))
          .field("y", bn_param(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
    }
    return w.end_object().str();
  }

  std::string sign(const std::string& payload, std::string header = "") const {
    if (header.empty()) header = R"({"alg":")" + alg + R"(","typ":"JWT","kid":")" + kid + "\"}";
    std::string input = base64url_encode(header) + "." + base64url_encode(payload);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    size_t len = 0;
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, pkey.get());
    EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
    EVP_MD_CTX_free(md);
    if (alg == "ES256") {  // DER -> r||s
      const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
      ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
      std::string raw(64, '\0');
      BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), 32);
      BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
      ECDSA_SIG_free(es);
      sig = raw;
    }
    return input + "." + base64url_encode(sig);
  }
};

std::string jwks_of(const std::vector<const TestKey*>& keys) {
  std::string out = R"({"keys":[)";
  for (size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + keys[i]->jwk();
  return out + "]}";
}

const TestKey& rsa_key() {
  static TestKey k = TestKey::rsa("rsa-1");
  return k;
}
const TestKey& ec_key() {
  static TestKey k = TestKey::ec("ec-1");
  return k;
}

constexpr int64_t kNow = 1'800'000'000;

std::string claims(const std::string& extra = "", int64_t iat = kNow) {
  return R"({"iss":"https://id.example","aud":"cinema","sub":"user-1","nonce":"n-123",)"
         R"("email":"Ada@Example.com","email_verified":true,"name":"Ada","iat":)" +
         std::to_string(iat) + R"(,"exp":)" + std::to_string(iat + 600) + extra + "}";
}

IdTokenExpectation expect() {
  return {"https://id.example", "cinema", "n-123", kNow, 60, 600};
}

Jwks both_keys() {
  return *parse_jwks(jwks_of({&rsa_key(), &ec_key()}));
}

// ---------------------------------------------------------------- JWS

TEST(IdToken, Rs256Verifies) {
  JwsResult r = verify_jws(rsa_key().sign(claims()), both_keys());
  ASSERT_EQ(r.error, JwsError::kNone) << r.reason;
  ClaimsResult c = check_id_claims(r.payload_json, expect());
  EXPECT_EQ(c.error, "");
  EXPECT_EQ(c.claims.sub, "user-1");
  EXPECT_TRUE(c.claims.email_verified);
}

TEST(IdToken, Es256Verifies) {
  JwsResult r = verify_jws(ec_key().sign(claims()), both_keys());
  ASSERT_EQ(r.error, JwsError::kNone) << r.reason;
  EXPECT_EQ(check_id_claims(r.payload_json, expect()).error, "");
}

TEST(IdToken, AlgNoneIsRefused) {
  std::string token =
      base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + base64url_encode(claims()) + ".";
  EXPECT_EQ(verify_jws(token, both_keys()).error, JwsError::kAlgNotAllowed);
  // "none" with a kid that exists changes nothing.
  token =
      base64url_encode(R"({"alg":"none","kid":"rsa-1"})") + "." + base64url_encode(claims()) + ".";
  EXPECT_EQ(verify_jws(token, both_keys()).error, JwsError::kAlgNotAllowed);
}

TEST(IdToken, Hs256IsRefusedEvenWithThePublicKeyAsSecret) {
  // The classic confusion: an HMAC keyed with the RSA public key (or the client secret).
  std::string input =
      base64url_encode(R"({"alg":"HS256","kid":"rsa-1"})") + "." + base64url_encode(claims());
  std::string token = input + "." + base64url_encode(hmac_sha256(rsa_key().jwk(), input));
  EXPECT_EQ(verify_jws(token, both_keys()).error, JwsError::kAlgNotAllowed);
}

TEST(IdToken, TamperedPayloadIsRefused) {
  std::string token = rsa_key().sign(claims());
  size_t a = token.find('.'), b = token.rfind('.');
  std::string forged =
      token.substr(0, a + 1) + base64url_encode(claims(R"(,"role":"ADMIN")")) + token.substr(b);
  EXPECT_EQ(verify_jws(forged, both_keys()).error, JwsError::kBadSignature);
  std::string es = ec_key().sign(claims());
  es[es.size() - 5] = es[es.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify_jws(es, both_keys()).error, JwsError::kBadSignature);
}

TEST(IdToken, AlgMustMatchTheKeyType) {
  // An ES256 header naming the RSA key's kid finds no key.
  std::string token = ec_key().sign(claims(), R"({"alg":"ES256","kid":"rsa-1"})");
  EXPECT_EQ(verify_jws(token, both_keys()).error, JwsError::kUnknownKey);
}

TEST(IdToken, UnknownKidAndMalformed) {
  TestKey other = TestKey::rsa("rsa-2");
  EXPECT_EQ(verify_jws(other.sign(claims()), both_keys()).error, JwsError::kUnknownKey);
  EXPECT_EQ(verify_jws("abc.def", both_keys()).error, JwsError::kMalformed);
  EXPECT_EQ(verify_jws("a.b.c.d", both_keys()).error, JwsError::kMalformed);
  EXPECT_EQ(verify_jws("!!.!!.!!", both_keys()).error, JwsError::kMalformed);
}

TEST(IdToken, JwksSkipsWhatItCannotUse) {
  std::string enc = rsa_key().jwk();
  enc.replace(enc.find(R"("use":"sig")"), 11, R"("use":"enc")");
  auto j =
      parse_jwks(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"},{"kty":"RSA","n":"AQAB","e":"AQAB"},)"
                 R"({"kty":"EC","crv":"P-384","x":"AA","y":"AA"},)" +
                 enc + "]}");
  ASSERT_TRUE(j.has_value());
  EXPECT_TRUE(j->keys.empty());  // symmetric, too small, other curve, not for signatures
  EXPECT_FALSE(parse_jwks("[]").has_value());
}

// ---------------------------------------------------------------- claims

TEST(IdClaimsCheck, WrongAudienceIssuerNonceAreRefused) {
  auto bad = [](const std::string& payload) { return check_id_claims(payload, expect()).error; };
  std::string c = claims();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = c;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_NE(bad(with(R"("aud":"cinema")", R"("aud":"other")")), "");
  EXPECT_NE(bad(with(R"("iss":"https://id.example")", R"("iss":"https://evil.example")")), "");
  EXPECT_NE(bad(with(R"("nonce":"n-123")", R"("nonce":"n-999")")), "");
  EXPECT_NE(bad(with(R"("nonce":"n-123",)", "")), "");
  EXPECT_NE(bad(with(R"("sub":"user-1")", R"("sub":"")")), "");
  // Several audiences: we must be among them and the authorized party.
  EXPECT_NE(bad(with(R"("aud":"cinema")", R"("aud":["cinema","other"])")), "");
  EXPECT_EQ(bad(with(R"("aud":"cinema")", R"("aud":["cinema","other"],"azp":"cinema")")), "");
  EXPECT_NE(bad(with(R"("aud":"cinema")", R"("aud":"cinema","azp":"other")")), "");
}

TEST(IdClaimsCheck, TimesWithSkew) {
  auto err = [](int64_t iat) { return check_id_claims(claims("", iat), expect()).error; };
  EXPECT_EQ(err(kNow + 30), "");         // a provider clock 30 s ahead
  EXPECT_NE(err(kNow + 300), "");        // issued in the future
  EXPECT_EQ(err(kNow - 600 - 30), "");   // exp 30 s ago: within the skew
  EXPECT_NE(err(kNow - 600 - 120), "");  // expired
  std::string no_exp =
      R"({"iss":"https://id.example","aud":"cinema","sub":"s","nonce":"n-123","iat":)" +
      std::to_string(kNow) + "}";
  EXPECT_NE(check_id_claims(no_exp, expect()).error, "");
}

TEST(IdClaimsCheck, EmailVerifiedOnlyWhenTrue) {
  auto verified = [](const std::string& v) {
    std::string c = claims();
    c.replace(c.find(R"("email_verified":true)"), 21, R"("email_verified":)" + v);
    return check_id_claims(c, expect()).claims.email_verified;
  };
  EXPECT_TRUE(verified("true"));
  EXPECT_TRUE(verified(R"("true")"));
  EXPECT_FALSE(verified("false"));
  EXPECT_FALSE(verified(R"("yes")"));
  EXPECT_FALSE(verified("1"));
}

// ---------------------------------------------------------------- settings

TEST(OidcSettings, PkceS256KnownVector) {
  // RFC 7636, appendix B.
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OidcSettings, RedirectAllowList) {
  std::vector<std::string> allow{"/", "/app/*"};
  for (const char* ok : {"/", "/app/", "/app/shows/3", "/app/x?tab=1&y=2"}) {
    EXPECT_TRUE(allowed_redirect(ok, allow).ok()) << ok;
  }
  for (const char* bad :
       {"", "https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil",
        "/app/../admin", "/other", "/#/x", "javascript:alert(1)", "/app/\r\nSet-Cookie:x",
        "/app//evil", "/ab c", "http:/evil", "/app/%2e%2e/x#"}) {
    auto r = allowed_redirect(bad, allow);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.problem().status, 400);
    EXPECT_EQ(r.problem().type, "/problems/oidc-redirect-not-allowed");
  }
  EXPECT_FALSE(allowed_redirect("/app/x", {"/"}).ok());
}

TEST(OidcSettings, ProvidersFromTheEnvironment) {
  std::map<std::string, std::string> env{
      {"CINEMA_OIDC_PROVIDERS",
       "demo|Demo ID|http://127.0.0.1:9/|cinema; big-co|Big Co|https://id.big.example|c2"},
      {"CINEMA_OIDC_DEMO_CLIENT_SECRET", "secret-one"},
      {"CINEMA_OIDC_BIG_CO_CLIENT_SECRET", "secret-two"},
      {"CINEMA_PUBLIC_URL", "https://cinema.example/"},
      {"CINEMA_OIDC_REDIRECTS", "/ /app/*"}};
  auto get = [&](const char* n) -> const char* {
    auto it = env.find(n);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto s = settings_from(get);
  ASSERT_TRUE(s.ok()) << s.problem().detail;
  ASSERT_EQ(s->providers.size(), 2u);
  EXPECT_EQ(s->providers[0].issuer, "http://127.0.0.1:9");
  EXPECT_EQ(s->providers[1].client_secret, "secret-two");
  EXPECT_EQ(s->public_url, "https://cinema.example");
  EXPECT_EQ(s->redirects.size(), 2u);
  env.erase("CINEMA_OIDC_BIG_CO_CLIENT_SECRET");  // a secret only from the environment
  EXPECT_FALSE(settings_from(get).ok());
  env["CINEMA_OIDC_PROVIDERS"] = "Bad Id|x|https://a.example|c";
  EXPECT_FALSE(settings_from(get).ok());
  env["CINEMA_OIDC_PROVIDERS"] = "";
  EXPECT_TRUE(settings_from(get).ok());
}

// ---------------------------------------------------------------- provider client

class FakeTransport : public Transport {
 public:
  std::map<std::string, HttpReply> replies;
  std::map<std::string, int> gets;
  std::string last_form, last_user;
  HttpReply get(const std::string& url) override {
    ++gets[url];
    auto it = replies.find(url);
    return it == replies.end() ? HttpReply{false, 0, "", "connection refused"} : it->second;
  }
  HttpReply post_form(const std::string& url, const std::string& form, const std::string& user,
                      const std::string&) override {
    last_form = form;
    last_user = user;
    return get(url);
  }
};

const char* kIssuer = "https://id.example";
std::string discovery_doc(const std::string& issuer = kIssuer) {
  return R"({"issuer":")" + issuer +
         R"(","authorization_endpoint":"https://id.example/auth",)"
         R"("token_endpoint":"https://id.example/token","jwks_uri":"https://id.example/jwks",)"
         R"("code_challenge_methods_supported":["S256"]})";
}

struct ClientFixture {
  Settings settings;
  FakeTransport* fake = nullptr;
  std::unique_ptr<ProviderClient> client;
  ProviderConfig p{"idp", "IdP", kIssuer, "cinema", "secret"};
  ClientFixture() {
    auto t = std::make_unique<FakeTransport>();
    fake = t.get();
    fake->replies[std::string(kIssuer) + "/.well-known/openid-configuration"] = {
        true, 200, discovery_doc(), ""};
    fake->replies["https://id.example/jwks"] = {true, 200, jwks_of({&rsa_key()}), ""};
    settings.jwks_refetch_s = 10;
    client = std::make_unique<ProviderClient>(settings, std::move(t));
  }
};

TEST(ProviderClientTest, DiscoveryIssuerMustMatch) {
  HttpReply r{true, 200, discovery_doc("https://evil.example"), ""};
  auto d = read_discovery(kIssuer, r);
  EXPECT_FALSE(d.value.has_value());
  EXPECT_FALSE(d.error.unavailable);
  auto down = read_discovery(kIssuer, {false, 0, "", "timeout"});
  EXPECT_TRUE(down.error.unavailable);
  EXPECT_TRUE(read_discovery(kIssuer, {true, 200, discovery_doc(), ""}).value.has_value());
}

TEST(ProviderClientTest, UnknownKidRefetchesOnceThenRateLimited) {
  ClientFixture f;
  auto d = f.client->discovery(f.p, kNow);
  ASSERT_TRUE(d.value.has_value());
  EXPECT_EQ(f.client->verify(f.p, *d.value, rsa_key().sign(claims()), kNow).jws.error,
            JwsError::kNone);
  EXPECT_EQ(f.fake->gets["https://id.example/jwks"], 1);

  // The provider rotates to a new key: one refetch finds it.
  TestKey rotated = TestKey::rsa("rsa-rotated");
  f.fake->replies["https://id.example/jwks"] = {true, 200, jwks_of({&rotated}), ""};
  EXPECT_EQ(f.client->verify(f.p, *d.value, rotated.sign(claims()), kNow + 20).jws.error,
            JwsError::kNone);
  EXPECT_EQ(f.fake->gets["https://id.example/jwks"], 2);

  // A forged kid right after: no second fetch within the interval.
  TestKey forged = TestKey::rsa("forged");
  EXPECT_EQ(f.client->verify(f.p, *d.value, forged.sign(claims()), kNow + 21).jws.error,
            JwsError::kUnknownKey);
  EXPECT_EQ(f.fake->gets["https://id.example/jwks"], 2);
  // Later, one more.
  f.client->verify(f.p, *d.value, forged.sign(claims()), kNow + 40);
  EXPECT_EQ(f.fake->gets["https://id.example/jwks"], 3);
}

TEST(ProviderClientTest, JwksOutageWithAnUnknownKidIsUnavailable) {
  ClientFixture f;
  f.fake->replies.erase("https://id.example/jwks");
  auto d = f.client->discovery(f.p, kNow);
  auto v = f.client->verify(f.p, *d.value, rsa_key().sign(claims()), kNow);
  EXPECT_NE(v.jws.error, JwsError::kNone);
  EXPECT_TRUE(v.keys_unavailable);
}

TEST(ProviderClientTest, TokenEndpointAnswers) {
  ClientFixture f;
  auto d = f.client->discovery(f.p, kNow);
  f.fake->replies["https://id.example/token"] = {true, 400, R"({"error":"invalid_grant"})", ""};
  auto refused = f.client->exchange_code(f.p, *d.value, "c", "https://cinema.example/cb", "v");
  EXPECT_FALSE(refused.value.has_value());
  EXPECT_FALSE(refused.error.unavailable);
  EXPECT_NE(f.fake->last_form.find("code_verifier=v"), std::string::npos);
  EXPECT_EQ(f.fake->last_user, "cinema");
  f.fake->replies["https://id.example/token"] = {true, 502, "", ""};
  EXPECT_TRUE(f.client->exchange_code(f.p, *d.value, "c", "u", "v").error.unavailable);
  f.fake->replies["https://id.example/token"] = {true, 200, R"({"id_token":"x.y.z"})", ""};
  EXPECT_EQ(*f.client->exchange_code(f.p, *d.value, "c", "u", "v").value, "x.y.z");
}

// ---------------------------------------------------------------- routes

struct RouteFixture {
  std::unique_ptr<Service> svc;
  Context ctx{Config::for_tests()};
  RouteFixture() {
    Settings s;
    s.providers.push_back({"idp", "IdP", kIssuer, "cinema", "secret"});
    s.public_url = "https://cinema.example";
    auto t = std::make_unique<FakeTransport>();
    t->replies[std::string(kIssuer) + "/.well-known/openid-configuration"] = {true, 200,
                                                                              discovery_doc(), ""};
    svc = std::make_unique<Service>(std::move(s), std::move(t));
  }
  Response get(const std::string& path, std::map<std::string, std::string> query = {}) {
    Request r;
    r.method = "GET";
    r.path = path;
    r.query = std::move(query);
    r.remote_addr = "127.0.0.1";
    return make_router(*svc).dispatch(r, ctx);
  }
};

TEST(OidcRoutes, ProvidersListed) {
  RouteFixture f;
  Response r = f.get("/v1/auth/oidc/providers");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"items":[{"id":"idp","name":"IdP"}]})");
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST(OidcRoutes, UnknownProviderAndBadRedirectAre4xx) {
  RouteFixture f;
  EXPECT_EQ(f.get("/v1/auth/oidc/nope/start").status, 404);
  Response r = f.get("/v1/auth/oidc/idp/start", {{"redirect", "https://evil.example/"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("oidc-redirect-not-allowed"), std::string::npos);
}

TEST(OidcRoutes, CallbackWithoutStateSignsNobodyIn) {
  RouteFixture f;
  Response r = f.get("/v1/auth/oidc/idp/callback", {{"code", "abc"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("oidc-state-invalid"), std::string::npos);
}

TEST(OidcRoutes, RedisDownIs503NotA500) {
  // The unit-test config points Redis at a port where nothing answers.
  RouteFixture f;
  Response r = f.get("/v1/auth/oidc/idp/start", {{"redirect", "/"}});
  EXPECT_EQ(r.status, 503);
  bool retry_after = false;
  for (const auto& [k, v] : r.headers) retry_after |= k == "Retry-After";
  EXPECT_TRUE(retry_after);
  EXPECT_EQ(f.get("/v1/auth/oidc/idp/callback", {{"state", "s"}, {"code", "c"}}).status, 503);
}

TEST(OidcAccounts, PlaceholderEmailAndPasswordAreUnusable) {
  EXPECT_EQ(placeholder_email("demo", "sub-1"), placeholder_email("demo", "sub-1"));
  EXPECT_NE(placeholder_email("demo", "sub-1"), placeholder_email("demo", "sub-2"));
  EXPECT_NE(placeholder_email("demo", "sub-1").find("@oidc.invalid"), std::string::npos);
  EXPECT_FALSE(verify_password(kNoPasswordHash, ""));
  EXPECT_FALSE(verify_password(kNoPasswordHash, kNoPasswordHash));
}

}  // namespace
}  // namespace cinema::oidc
