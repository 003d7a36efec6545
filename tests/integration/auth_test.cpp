// Authentication through nginx: register, login, me, refresh (rotation and
// reuse detection), logout, input validation, token verification, rate limits
// and the error format. Every test uses fresh, unique accounts, so reruns
// against the same database never collide and rate-limit buckets are not shared.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "cinema/crypto.h"
#include "cinema/jwt.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

::testing::AssertionResult HasField(const std::vector<std::string>& fields, const char* name) {
  if (std::find(fields.begin(), fields.end(), name) != fields.end()) {
    return ::testing::AssertionSuccess();
  }
  auto failure = ::testing::AssertionFailure();
  failure << "errors[] does not name '" << name << "'; it names: [";
  for (const auto& f : fields) failure << " '" << f << "'";
  return failure << " ]";
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// Alternating case for the letters of `s`: "abc-1" -> "AbC-1".
std::string mixed_case(const std::string& s) {
  std::string out = s;
  bool up = true;
  for (char& c : out) {
    if (std::isalpha(static_cast<unsigned char>(c)) != 0) {
      c = static_cast<char>(up ? std::toupper(static_cast<unsigned char>(c))
                               : std::tolower(static_cast<unsigned char>(c)));
      up = !up;
    }
  }
  return out;
}

std::string string_member(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject() || !obj.HasMember(name) || !obj[name].IsString()) return "<missing>";
  return obj[name].GetString();
}

HttpResponse refresh(const std::string& token) {
  return post("/v1/auth/refresh", json_object({{"refresh_token", token}}));
}

HttpResponse logout(const std::string& token) {
  return post("/v1/auth/logout", json_object({{"refresh_token", token}}));
}

HttpResponse me(const std::string& access_token) {
  return get("/v1/me", {bearer(access_token)});
}

// --- token forging -------------------------------------------------------

struct ForgedClaims {
  std::string iss;
  std::string aud;
  std::string sub;
  std::string role = "CUSTOMER";
  std::string typ = "access";
  int64_t iat = 0;
  int64_t exp = 0;
};

// Claims the stack would accept for `user_id` right now.
ForgedClaims valid_claims(int64_t user_id) {
  const auto& jwt = stack_config().jwt;
  ForgedClaims c;
  c.iss = jwt.issuer;
  c.aud = jwt.audience;
  c.sub = std::to_string(user_id);
  c.iat = unix_now();
  c.exp = c.iat + 600;
  return c;
}

std::string claims_json(const ForgedClaims& c) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("iss");
  w.String(c.iss.c_str());
  w.Key("aud");
  w.String(c.aud.c_str());
  w.Key("sub");
  w.String(c.sub.c_str());
  w.Key("role");
  w.String(c.role.c_str());
  w.Key("typ");
  w.String(c.typ.c_str());
  w.Key("iat");
  w.Int64(c.iat);
  w.Key("exp");
  w.Int64(c.exp);
  w.Key("jti");
  w.String(cinema::random_hex(8).c_str());
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

constexpr const char* kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

std::string sign_hs256(const std::string& header_json, const std::string& payload_json,
                       const std::string& secret) {
  std::string input =
      cinema::base64url_encode(header_json) + "." + cinema::base64url_encode(payload_json);
  return input + "." + cinema::base64url_encode(cinema::hmac_sha256(secret, input));
}

std::string forge(const ForgedClaims& c, const std::string& secret) {
  return sign_hs256(kHs256Header, claims_json(c), secret);
}

// Parts of a compact JWS.
std::vector<std::string> split_token(const std::string& token) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// Asserts a 401 problem with a Bearer challenge.
::testing::AssertionResult IsUnauthorized(const HttpResponse& r) {
  auto problem = IsProblem(r, 401);
  if (!problem) return problem;
  if (r.header("www-authenticate").rfind("Bearer", 0) != 0) {
    return ::testing::AssertionFailure()
           << "401 without a 'WWW-Authenticate: Bearer ...' header: " << r.describe();
  }
  return ::testing::AssertionSuccess();
}

// --- the whole session lifecycle ------------------------------------------

TEST(AuthFlow, RegisterLoginMeRefreshReuseLogout) {
  TestUser user = register_user("flow");

  HttpResponse login_resp =
      post("/v1/auth/login", json_object({{"email", user.email}, {"password", user.password}}));
  ASSERT_EQ(login_resp.status, 200) << login_resp.describe();
  EXPECT_EQ(login_resp.media_type(), "application/json");
  EXPECT_NE(login_resp.header("cache-control").find("no-store"), std::string::npos)
      << "token responses must not be cached";
  auto pair1 = login_resp.json();
  ASSERT_TRUE(pair1.IsObject()) << login_resp.describe();
  EXPECT_EQ(string_member(pair1, "token_type"), "Bearer");
  ASSERT_TRUE(pair1.HasMember("expires_in") && pair1["expires_in"].IsInt64());
  EXPECT_EQ(pair1["expires_in"].GetInt64(), stack_config().jwt.access_ttl_s);
  const std::string access1 = string_member(pair1, "access_token");
  const std::string refresh1 = string_member(pair1, "refresh_token");
  ASSERT_EQ(split_token(access1).size(), 3u) << "access token is not a JWS: " << access1;
  ASSERT_GE(refresh1.size(), 32u);

  HttpResponse me1 = me(access1);
  ASSERT_EQ(me1.status, 200) << me1.describe();
  auto me_doc = me1.json();
  ASSERT_TRUE(me_doc.IsObject());
  ASSERT_TRUE(me_doc.HasMember("id") && me_doc["id"].IsInt64());
  EXPECT_EQ(me_doc["id"].GetInt64(), user.id);
  EXPECT_EQ(string_member(me_doc, "email"), user.email);
  EXPECT_EQ(string_member(me_doc, "role"), "CUSTOMER");
  EXPECT_TRUE(me_doc.HasMember("display_name"));

  // Rotation: a new pair, and the new access token works.
  HttpResponse r2 = refresh(refresh1);
  ASSERT_EQ(r2.status, 200) << r2.describe();
  auto pair2 = r2.json();
  const std::string access2 = string_member(pair2, "access_token");
  const std::string refresh2 = string_member(pair2, "refresh_token");
  ASSERT_NE(refresh2, "<missing>");
  EXPECT_NE(refresh2, refresh1) << "the refresh token must rotate";
  EXPECT_EQ(string_member(pair2, "token_type"), "Bearer");
  HttpResponse me2 = me(access2);
  ASSERT_EQ(me2.status, 200) << me2.describe();
  EXPECT_EQ(string_member(me2.json(), "email"), user.email);

  // Reuse of the rotated token: refused, and the whole family is revoked.
  HttpResponse reuse = refresh(refresh1);
  EXPECT_TRUE(IsProblem(reuse, 401));
  HttpResponse after_reuse = refresh(refresh2);
  EXPECT_TRUE(IsProblem(after_reuse, 401))
      << "the token issued by the rotation must die with its family after a reuse";
  EXPECT_GE(count_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'session.reuse_revoked' "
                       "AND actor_id = ?",
                       user.id),
            1)
      << "a reuse should be audited";

  // A fresh login starts a new family; logout revokes it.
  Tokens fresh = login(user);
  EXPECT_NE(fresh.refresh_token, refresh1);
  EXPECT_NE(fresh.refresh_token, refresh2);
  HttpResponse out = logout(fresh.refresh_token);
  EXPECT_EQ(out.status, 204) << out.describe();
  EXPECT_TRUE(out.body.empty()) << out.describe();
  EXPECT_TRUE(IsProblem(refresh(fresh.refresh_token), 401));
  // Logging out twice (or with an unknown token) is not an error.
  EXPECT_EQ(logout(fresh.refresh_token).status, 204);
  EXPECT_EQ(logout("not-a-token-we-issued").status, 204);
}

TEST(AuthFlow, UnknownRefreshTokenIs401) {
  EXPECT_TRUE(IsProblem(refresh(cinema::random_token(32)), 401));
}

// --- registration ----------------------------------------------------------

TEST(Register, ResponseShapeAndNormalisedEmail) {
  const std::string canonical = unique_email("mixed");  // all lower case
  std::string local = canonical.substr(0, canonical.find('@'));
  const std::string sent = "  " + mixed_case(local) + "@Example.COM ";
  ASSERT_NE(sent, canonical);

  HttpResponse r = post("/v1/auth/register", json_object({{"email", sent},
                                                          {"password", "a long enough password"},
                                                          {"display_name", "Mixed Case"}}));
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(r.media_type(), "application/json");
  auto doc = r.json();
  ASSERT_TRUE(doc.IsObject()) << r.describe();
  ASSERT_TRUE(doc.HasMember("id") && doc["id"].IsInt64()) << r.describe();
  EXPECT_GT(doc["id"].GetInt64(), 0);
  EXPECT_EQ(string_member(doc, "email"), canonical);
  EXPECT_EQ(string_member(doc, "role"), "CUSTOMER");
  EXPECT_EQ(string_member(doc, "display_name"), "Mixed Case");
  EXPECT_FALSE(doc.HasMember("password")) << r.describe();
  EXPECT_FALSE(doc.HasMember("password_hash")) << r.describe();

  // The stored address is the normalised one, and login normalises too.
  Tokens t = login(sent, "a long enough password");
  HttpResponse m = me(t.access_token);
  ASSERT_EQ(m.status, 200) << m.describe();
  EXPECT_EQ(string_member(m.json(), "email"), canonical);
  EXPECT_EQ(string_member(m.json(), "display_name"), "Mixed Case");
}

TEST(Register, DisplayNameIsOptional) {
  HttpResponse r = post("/v1/auth/register", json_object({{"email", unique_email("noname")},
                                                          {"password", "a long enough password"}}));
  ASSERT_EQ(r.status, 201) << r.describe();
  auto doc = r.json();
  ASSERT_TRUE(doc.IsObject());
  ASSERT_TRUE(doc.HasMember("display_name"));
  EXPECT_TRUE(doc["display_name"].IsNull()) << r.describe();
}

TEST(Register, DuplicateEmailInAnotherCaseIs409) {
  TestUser user = register_user("dup");
  HttpResponse r =
      post("/v1/auth/register",
           json_object({{"email", upper(user.email)}, {"password", "another password"}}));
  EXPECT_TRUE(IsProblem(r, 409));
  // The original account still has its own password.
  EXPECT_NO_THROW(login(user));
}

TEST(Register, ShortPasswordIs400NamingPassword) {
  const std::string email = unique_email("shortpw");
  HttpResponse r =
      post("/v1/auth/register", json_object({{"email", email}, {"password", "seven77"}}));
  ASSERT_TRUE(IsProblem(r, 400));
  EXPECT_TRUE(HasField(error_fields(r), "password")) << r.describe();
  // Nothing was created: the same address registers fine afterwards.
  HttpResponse again =
      post("/v1/auth/register", json_object({{"email", email}, {"password", "eight888"}}));
  EXPECT_EQ(again.status, 201) << again.describe();
}

TEST(Register, InvalidEmailIs400) {
  for (const std::string bad : {"not-an-email", "a@b", "@example.com", "two@@example.com",
                                "spa ce@example.com", "dot@example.", "dot@.example.com"}) {
    SCOPED_TRACE("email: '" + bad + "'");
    HttpResponse r = post("/v1/auth/register",
                          json_object({{"email", bad}, {"password", "a long enough password"}}));
    ASSERT_TRUE(IsProblem(r, 400));
    EXPECT_TRUE(HasField(error_fields(r), "email")) << r.describe();
  }
}

TEST(Register, MissingFieldsAre400NamingThem) {
  HttpResponse r = post("/v1/auth/register", "{}");
  ASSERT_TRUE(IsProblem(r, 400));
  auto fields = error_fields(r);
  EXPECT_TRUE(HasField(fields, "email")) << r.describe();
  EXPECT_TRUE(HasField(fields, "password")) << r.describe();
}

TEST(Register, UnknownOrPrivilegedFieldIs400AndNothingIsCreated) {
  const std::string email = unique_email("role");
  HttpResponse r = post(
      "/v1/auth/register",
      json_object({{"email", email}, {"password", "a long enough password"}, {"role", "ADMIN"}}));
  ASSERT_TRUE(IsProblem(r, 400));
  EXPECT_TRUE(HasField(error_fields(r), "role")) << r.describe();
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM users WHERE email = ?", email), 0)
      << "a rejected registration must not create the account";

  // The address is still free, and registration yields a CUSTOMER.
  HttpResponse ok = post("/v1/auth/register",
                         json_object({{"email", email}, {"password", "a long enough password"}}));
  ASSERT_EQ(ok.status, 201) << ok.describe();
  EXPECT_EQ(string_member(ok.json(), "role"), "CUSTOMER");
}

TEST(Register, MalformedJsonIs400) {
  for (const std::string body :
       {R"({"email": "x@example.com", "password": )", "{not json}", "[1,2,3]", "\"string\"",
        R"({"email":"a@example.com","email":"b@example.com","password":"a long password"})"}) {
    SCOPED_TRACE("body: " + body);
    EXPECT_TRUE(IsProblem(post("/v1/auth/register", body), 400));
  }
}

TEST(Register, WrongFieldTypeIs400) {
  HttpResponse r =
      post("/v1/auth/register", R"({"email": 42, "password": "a long enough password"})");
  ASSERT_TRUE(IsProblem(r, 400));
  EXPECT_TRUE(HasField(error_fields(r), "email")) << r.describe();
}

TEST(Register, NonJsonContentTypeIs415) {
  const std::string body =
      json_object({{"email", unique_email("ctype")}, {"password", "a long enough password"}});
  for (const std::string type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
    SCOPED_TRACE("Content-Type: " + type);
    EXPECT_TRUE(IsProblem(post("/v1/auth/register", body, {{"Content-Type", type}}), 415));
  }
  // A JSON media type with parameters is fine.
  HttpResponse ok =
      post("/v1/auth/register", body, {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(ok.status, 201) << ok.describe();
}

TEST(Register, OversizedBodyIs413) {
  std::string padding(70 * 1024, 'x');
  HttpResponse r = post("/v1/auth/register",
                        json_object({{"email", unique_email("big")}, {"password", padding}}));
  EXPECT_TRUE(IsProblem(r, 413));
}

// --- methods, routing, error format -----------------------------------------

TEST(Routing, WrongMethodIs405) {
  HttpResponse r = get("/v1/auth/login");
  ASSERT_TRUE(IsProblem(r, 405));
  EXPECT_NE(r.header("allow").find("POST"), std::string::npos)
      << "405 should list the allowed methods: " << r.describe();
  EXPECT_TRUE(IsProblem(del("/v1/me"), 405));
  EXPECT_TRUE(IsProblem(post("/v1/health", "{}"), 405));
}

TEST(Routing, UnknownPathIs404) {
  EXPECT_TRUE(IsProblem(get("/v1/nope"), 404));
  EXPECT_TRUE(IsProblem(post("/v1/auth/nope", "{}"), 404));
}

struct ErrorCase {
  const char* name;
  const char* method;
  const char* path;
  std::string body;
  Headers headers;
  int status;
};

TEST(Errors, EveryErrorIsProblemJson) {
  const std::vector<ErrorCase> cases = {
      {"malformed json", "POST", "/v1/auth/login", "{", {}, 400},
      {"empty json body",
       "POST",
       "/v1/auth/login",
       "",
       {{"Content-Type", "application/json"}},
       400},
      {"missing fields", "POST", "/v1/auth/login", "{}", {}, 400},
      {"wrong field type", "POST", "/v1/auth/logout", R"({"refresh_token": 5})", {}, 400},
      {"unknown field",
       "POST",
       "/v1/auth/refresh",
       R"({"refresh_token":"x","user_id":1})",
       {},
       400},
      {"wrong content type",
       "POST",
       "/v1/auth/login",
       "email=a",
       {{"Content-Type", "text/plain"}},
       415},
      {"no token", "GET", "/v1/me", "", {}, 401},
      {"bad token", "GET", "/v1/me", "", {{"Authorization", "Bearer x.y.z"}}, 401},
      {"unknown refresh token", "POST", "/v1/auth/refresh", R"({"refresh_token":"nope"})", {}, 401},
      {"wrong password",
       "POST",
       "/v1/auth/login",
       R"({"email":"nobody-errors@example.com","password":"whatever-pw"})",
       {},
       401},
      {"unknown path", "GET", "/v1/does/not/exist", "", {}, 404},
      {"wrong method", "PUT", "/v1/auth/register", "{}", {}, 405},
      {"too large", "POST", "/v1/auth/login", std::string(70 * 1024, ' '), {}, 413},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    HttpResponse r = request(c.method, c.path, c.body, c.headers);
    EXPECT_TRUE(IsProblem(r, c.status));
    EXPECT_FALSE(r.header("x-request-id").empty()) << r.describe();
  }
}

// --- login ------------------------------------------------------------------

TEST(Login, WrongPasswordAndUnknownEmailAreIndistinguishable401) {
  TestUser user = register_user("wrongpw");
  HttpResponse wrong = post("/v1/auth/login",
                            json_object({{"email", user.email}, {"password", "not the password"}}));
  HttpResponse unknown =
      post("/v1/auth/login",
           json_object({{"email", unique_email("ghost")}, {"password", "not the password"}}));
  ASSERT_TRUE(IsProblem(wrong, 401));
  ASSERT_TRUE(IsProblem(unknown, 401));
  auto w = wrong.json();
  auto u = unknown.json();
  EXPECT_EQ(string_member(w, "title"), string_member(u, "title"));
  EXPECT_EQ(string_member(w, "type"), string_member(u, "type"));
  EXPECT_EQ(string_member(w, "detail"), string_member(u, "detail"))
      << "the answer must not reveal whether the email is registered";
  EXPECT_FALSE(w.HasMember("access_token"));
  // Passwords are case-sensitive.
  EXPECT_TRUE(IsProblem(post("/v1/auth/login", json_object({{"email", user.email},
                                                            {"password", upper(user.password)}})),
                        401));
}

TEST(Login, BurstFromOneClientIsRateLimited) {
  TestUser user = register_user("burst");
  std::vector<int> statuses;
  HttpResponse limited;
  for (int i = 0; i < 8; ++i) {
    HttpResponse r = post("/v1/auth/login",
                          json_object({{"email", user.email}, {"password", "wrong password"}}));
    statuses.push_back(r.status);
    ASSERT_TRUE(r.status == 401 || r.status == 429) << "attempt " << i << ": " << r.describe();
    if (r.status == 429 && limited.status == 0) limited = r;
  }
  EXPECT_EQ(statuses.front(), 401) << "the first attempt must not be limited";
  ASSERT_EQ(limited.status, 429) << "8 quick attempts with burst "
                                 << stack_config().rate.login_burst << " were never limited";
  EXPECT_TRUE(IsProblem(limited, 429));
  const std::string retry_after = limited.header("retry-after");
  ASSERT_FALSE(retry_after.empty()) << limited.describe();
  ASSERT_EQ(retry_after.find_first_not_of("0123456789"), std::string::npos)
      << "Retry-After must be delta-seconds, got '" << retry_after << "'";
  EXPECT_GT(std::stoll(retry_after), 0);

  // The bucket is checked before the password: the right password is limited too.
  HttpResponse right =
      post("/v1/auth/login", json_object({{"email", user.email}, {"password", user.password}}));
  EXPECT_TRUE(IsProblem(right, 429));
  // Another account from the same client is not affected.
  TestUser other = register_user("burst-other");
  EXPECT_NO_THROW(login(other));
}

// --- /v1/me and access tokens --------------------------------------------------

TEST(AccessToken, MissingOrMalformedIs401WithChallenge) {
  HttpResponse none = get("/v1/me");
  EXPECT_TRUE(IsUnauthorized(none));
  EXPECT_TRUE(IsUnauthorized(get("/v1/me", {{"Authorization", "Bearer garbage"}})));
  EXPECT_TRUE(IsUnauthorized(get("/v1/me", {{"Authorization", "Bearer a.b.c"}})));
  EXPECT_TRUE(IsUnauthorized(get("/v1/me", {{"Authorization", "Bearer "}})));
  EXPECT_TRUE(IsUnauthorized(get("/v1/me", {{"Authorization", "Basic dXNlcjpwYXNz"}})));
}

TEST(AccessToken, ForgedTokensAreRejected) {
  const cinema::Config& cfg = stack_config();
  TestUser user = register_user("jwt");
  Tokens real = login(user);

  // Positive controls: the real token, and tokens built here with the real
  // secret, are accepted, so each rejection below is about its one defect.
  ASSERT_EQ(me(real.access_token).status, 200);
  {
    HttpResponse ok = me(forge(valid_claims(user.id), cfg.jwt.secret));
    ASSERT_EQ(ok.status, 200) << "self-signed control token refused: " << ok.describe();
    HttpResponse ok2 = me(cinema::sign_access_token(cfg.jwt, user.id, "CUSTOMER", unix_now()));
    ASSERT_EQ(ok2.status, 200) << ok2.describe();
  }

  {
    SCOPED_TRACE("alg none, no signature");
    std::string payload = claims_json(valid_claims(user.id));
    std::string token = cinema::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                        cinema::base64url_encode(payload) + ".";
    EXPECT_TRUE(IsUnauthorized(me(token)));
  }
  {
    SCOPED_TRACE("alg none, HMAC signature kept");
    std::string token = sign_hs256(R"({"alg":"none","typ":"JWT"})",
                                   claims_json(valid_claims(user.id)), cfg.jwt.secret);
    EXPECT_TRUE(IsUnauthorized(me(token)));
  }
  {
    SCOPED_TRACE("tampered payload (role ADMIN), original signature");
    auto parts = split_token(real.access_token);
    ASSERT_EQ(parts.size(), 3u);
    auto payload = cinema::base64url_decode(parts[1]);
    ASSERT_TRUE(payload.has_value());
    std::string p = *payload;
    size_t pos = p.find("\"CUSTOMER\"");
    ASSERT_NE(pos, std::string::npos) << p;
    p.replace(pos, 10, "\"ADMIN\"");
    std::string tampered = parts[0] + "." + cinema::base64url_encode(p) + "." + parts[2];
    ASSERT_NE(tampered, real.access_token);
    EXPECT_TRUE(IsUnauthorized(me(tampered)));
  }
  {
    SCOPED_TRACE("signature of another token");
    Tokens other = login(user);
    auto a = split_token(real.access_token);
    auto b = split_token(other.access_token);
    ASSERT_EQ(a.size(), 3u);
    ASSERT_EQ(b.size(), 3u);
    ASSERT_NE(a[1], b[1]);
    EXPECT_TRUE(IsUnauthorized(me(a[0] + "." + a[1] + "." + b[2])));
  }
  {
    SCOPED_TRACE("expired, signed with the real secret");
    int64_t past = unix_now() - 2 * cfg.jwt.access_ttl_s - 60;
    EXPECT_TRUE(IsUnauthorized(me(cinema::sign_access_token(cfg.jwt, user.id, "CUSTOMER", past))));
    ForgedClaims c = valid_claims(user.id);
    c.iat = unix_now() - 120;
    c.exp = unix_now() - 5;
    EXPECT_TRUE(IsUnauthorized(me(forge(c, cfg.jwt.secret))));
  }
  {
    SCOPED_TRACE("issued in the future");
    ForgedClaims c = valid_claims(user.id);
    c.iat = unix_now() + 3600;
    c.exp = c.iat + 600;
    EXPECT_TRUE(IsUnauthorized(me(forge(c, cfg.jwt.secret))));
  }
  {
    SCOPED_TRACE("another secret");
    EXPECT_TRUE(IsUnauthorized(
        me(forge(valid_claims(user.id), cfg.jwt.secret + "-but-not-quite-the-same"))));
    EXPECT_TRUE(IsUnauthorized(me(forge(valid_claims(user.id), ""))));
  }
  {
    SCOPED_TRACE("wrong audience");
    ForgedClaims c = valid_claims(user.id);
    c.aud = cfg.jwt.audience + "-other";
    EXPECT_TRUE(IsUnauthorized(me(forge(c, cfg.jwt.secret))));
  }
  {
    SCOPED_TRACE("wrong issuer");
    ForgedClaims c = valid_claims(user.id);
    c.iss = "someone-else";
    EXPECT_TRUE(IsUnauthorized(me(forge(c, cfg.jwt.secret))));
  }
  {
    SCOPED_TRACE("not an access token (typ refresh)");
    ForgedClaims c = valid_claims(user.id);
    c.typ = "refresh";
    EXPECT_TRUE(IsUnauthorized(me(forge(c, cfg.jwt.secret))));
  }
  {
    SCOPED_TRACE("alg HS512 claimed");
    EXPECT_TRUE(IsUnauthorized(me(sign_hs256(R"({"alg":"HS512","typ":"JWT"})",
                                             claims_json(valid_claims(user.id)), cfg.jwt.secret))));
  }
}

// --- storage ------------------------------------------------------------------

TEST(Storage, RefreshTokensAndPasswordsAreStoredHashed) {
  TestUser user = register_user("hashed");
  Tokens t = login(user);
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = ?", t.refresh_token),
            0)
      << "the plaintext refresh token must not be stored";
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = ? AND user_id = " +
                           std::to_string(user.id),
                       cinema::sha256_hex(t.refresh_token)),
            1)
      << "the refresh token's SHA-256 should be stored for its user";

  // After a rotation the new token is stored hashed too.
  HttpResponse r = refresh(t.refresh_token);
  ASSERT_EQ(r.status, 200) << r.describe();
  std::string rotated = string_member(r.json(), "refresh_token");
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = ?", rotated), 0);
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = ?",
                       cinema::sha256_hex(rotated)),
            1);

  // Passwords: argon2id, never the plaintext.
  std::string hash = stack_db().autocommit([&](cinema::Session& s) {
    cinema::Rows rs = s.query("SELECT password_hash FROM users WHERE id = ?", user.id);
    return rs->next() ? cinema::get_string(*rs, "password_hash") : std::string();
  });
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find(user.password), std::string::npos);
}

// --- request ids -----------------------------------------------------------------

TEST(RequestId, GeneratedPerRequestNeverTakenFromTheClient) {
  HttpResponse plain = get("/v1/health");
  const std::string ours = plain.header("x-request-id");
  EXPECT_EQ(ours.size(), 32u) << plain.describe();
  EXPECT_EQ(ours.find_first_not_of("0123456789abcdef"), std::string::npos) << ours;
  HttpResponse other = get("/v1/health");
  EXPECT_NE(ours, other.header("x-request-id")) << "generated request ids must differ";

  // A client's id is its own (logged beside ours, see Security.*), never ours.
  HttpResponse sent = get("/v1/health", {{"X-Request-Id", "test-abc-123"}});
  EXPECT_NE(sent.header("x-request-id"), "test-abc-123");
  EXPECT_EQ(sent.header("x-request-id").size(), 32u);
  HttpResponse sent_404 = get("/v1/nope", {{"X-Request-Id", "test-abc-123"}});
  EXPECT_NE(sent_404.header("x-request-id"), "test-abc-123");
  EXPECT_EQ(sent.header("x-client-request-id"), "test-abc-123");
  HttpResponse unsafe = get("/v1/health", {{"X-Request-Id", "bad id <script>"}});
  EXPECT_EQ(unsafe.header("x-request-id").find('<'), std::string::npos) << unsafe.describe();
  EXPECT_FALSE(unsafe.has_header("x-client-request-id")) << "an unsafe id is not reflected";
}

TEST(RequestId, ReachesTheFunctionAndTheAuditLog) {
  HttpResponse r =
      post("/v1/auth/register",
           json_object({{"email", unique_email("audit")}, {"password", "a long enough password"}}));
  ASSERT_EQ(r.status, 201) << r.describe();
  const std::string rid = r.header("x-request-id");
  ASSERT_FALSE(rid.empty());
  auto doc = r.json();
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("id") && doc["id"].IsInt64()) << r.describe();
  EXPECT_EQ(count_rows("SELECT COUNT(*) FROM audit_log WHERE action = 'user.register' AND "
                       "entity_type = 'user' AND entity_id = " +
                           std::to_string(doc["id"].GetInt64()) + " AND request_id = ?",
                       rid),
            1)
      << "the registration should be audited with the request id nginx answered with";
}

}  // namespace
}  // namespace itest
