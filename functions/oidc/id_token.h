// OpenID Connect ID tokens: the provider's keys (a JWKS) and the verification
// of a signed token against them (RS256 or ES256 through OpenSSL's EVP; "none",
// HS* and everything else are refused), then the claims an ID token must
// carry for us (iss, aud/azp, exp, iat, nonce, sub). Pure: no I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;

namespace cinema::oidc {

// One public key of a JWKS that we can use: RSA (>= 2048 bits) or EC P-256.
struct Jwk {
  std::string kid;
  std::string kty;  // "RSA" | "EC"
  std::string alg;  // as published; may be empty
  std::shared_ptr<evp_pkey_st> key;
};

struct Jwks {
  std::vector<Jwk> keys;
};

// The keys of a JWKS document we can verify with; keys of other types, with
// use other than "sig", or malformed, are skipped. nullopt (and `error`) when
// the document is not a JWKS at all.
std::optional<Jwks> parse_jwks(std::string_view json, std::string* error = nullptr);

enum class JwsError {
  kNone,
  kMalformed,      // not three base64url parts of JSON
  kAlgNotAllowed,  // "none", HS256, or anything but RS256/ES256
  kUnknownKey,     // no key with the header's kid (refetch the JWKS once)
  kBadSignature,
};

struct JwsResult {
  JwsError error = JwsError::kNone;
  std::string reason;        // for logs and the problem's detail
  std::string payload_json;  // when verified
};

// Verifies the compact JWS `token` with the key the header names (by kid; a
// header without kid uses the only key of its type), the algorithm pinned to
// RS256 or ES256 and to the key's type (and to the key's alg when published).
JwsResult verify_jws(std::string_view token, const Jwks& jwks);

// What the ID token must say.
struct IdTokenExpectation {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  int64_t now = 0;
  int64_t skew_s = 60;      // clock skew allowed each way
  int64_t max_age_s = 600;  // iat no older than this (plus skew)
};

struct IdClaims {
  std::string sub;
  std::string email;  // "" when absent
  bool email_verified = false;
  std::string name;  // "" when absent
};

struct ClaimsResult {
  std::string error;  // "" when the claims are acceptable
  IdClaims claims;
};

// Checks the verified payload against `want`.
ClaimsResult check_id_claims(std::string_view payload_json, const IdTokenExpectation& want);

}  // namespace cinema::oidc
