#include "cinema/jwt.h"

#include <rapidjson/document.h>

#include "cinema/crypto.h"
#include "cinema/json.h"

namespace cinema {
namespace {

// The only header we ever issue; verification still parses what it gets.
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

bool audience_matches(const rapidjson::Value& aud, const std::string& expected) {
  if (aud.IsString()) return expected == aud.GetString();
  if (aud.IsArray()) {
    for (const auto& a : aud.GetArray()) {
      if (a.IsString() && expected == a.GetString()) return true;
    }
  }
  return false;
}

}  // namespace

std::string sign_access_token(const JwtSettings& s, int64_t user_id, std::string_view role,
                              int64_t now) {
  JsonWriter payload;
  payload.begin_object()
      .field("iss", s.issuer)
      .field("aud", s.audience)
      .field("sub", std::to_string(user_id))
      .field("role", role)
      .field("typ", "access")
      .field("iat", now)
      .field("exp", now + s.access_ttl_s)
      .field("jti", random_hex(8))
      .end_object();
  std::string signing_input = base64url_encode(kHeader) + "." + base64url_encode(payload.str());
  return signing_input + "." + base64url_encode(hmac_sha256(s.secret, signing_input));
}

StatusOr<AccessClaims> verify_access_token(const JwtSettings& s, std::string_view token,
                                           int64_t now) {
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return unauthorized("The access token is malformed");
  }
  auto header_json = base64url_decode(token.substr(0, dot1));
  auto payload_json = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!header_json || !payload_json || !signature) {
    return unauthorized("The access token is malformed");
  }
  rapidjson::Document header;
  header.Parse(header_json->data(), header_json->size());
  if (header.HasParseError() || !header.IsObject()) {
    return unauthorized("The access token is malformed");
  }
  // Pin the algorithm: "none", RS256 and everything else are refused before
  // any signature check.
  auto alg = header.FindMember("alg");
  if (alg == header.MemberEnd() || !alg->value.IsString() ||
      std::string_view(alg->value.GetString()) != "HS256") {
    return unauthorized("The access token's algorithm is not accepted");
  }
  std::string_view signing_input = token.substr(0, dot2);
  if (!constant_time_equal(*signature, hmac_sha256(s.secret, signing_input))) {
    return unauthorized("The access token's signature is invalid");
  }
  rapidjson::Document claims;
  claims.Parse(payload_json->data(), payload_json->size());
  if (claims.HasParseError() || !claims.IsObject()) {
    return unauthorized("The access token is malformed");
  }
  auto str = [&](const char* name) -> std::string {
    auto it = claims.FindMember(name);
    return it != claims.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  };
  auto num = [&](const char* name) -> std::optional<int64_t> {
    auto it = claims.FindMember(name);
    if (it == claims.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
  };
  if (str("iss") != s.issuer) return unauthorized("The access token's issuer is not accepted");
  auto aud = claims.FindMember("aud");
  if (aud == claims.MemberEnd() || !audience_matches(aud->value, s.audience)) {
    return unauthorized("The access token's audience is not accepted");
  }
  if (str("typ") != "access") return unauthorized("The token is not an access token");
  auto exp = num("exp");
  auto iat = num("iat");
  if (!exp || !iat) return unauthorized("The access token lacks exp or iat");
  if (now >= *exp) return unauthorized("The access token has expired");
  constexpr int64_t kClockSkew = 60;
  if (*iat > now + kClockSkew) return unauthorized("The access token is not yet valid");
  AccessClaims out;
  std::string sub = str("sub");
  if (sub.empty() || sub.size() > 18 || sub.find_first_not_of("0123456789") != std::string::npos) {
    return unauthorized("The access token's subject is invalid");
  }
  out.user_id = std::stoll(sub);
  out.role = str("role");
  if (out.role != "CUSTOMER" && out.role != "OWNER" && out.role != "ADMIN") {
    return unauthorized("The access token's role is invalid");
  }
  out.issued_at = *iat;
  out.expires_at = *exp;
  return out;
}

}  // namespace cinema
