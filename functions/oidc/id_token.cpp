#include "id_token.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <rapidjson/document.h>

#include "cinema/crypto.h"

namespace cinema::oidc {
namespace {

std::string member(const rapidjson::Value& o, const char* name) {
  if (!o.IsObject() || !o.HasMember(name) || !o[name].IsString()) return "";
  return std::string(o[name].GetString(), o[name].GetStringLength());
}

std::shared_ptr<evp_pkey_st> wrap(EVP_PKEY* p) {
  return std::shared_ptr<evp_pkey_st>(p, [](EVP_PKEY* k) { EVP_PKEY_free(k); });
}

// A public key from OpenSSL parameters of `type` ("RSA" or "EC").
EVP_PKEY* key_from_params(const char* type, OSSL_PARAM* params) {
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  if (ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) pkey = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  return pkey;
}

EVP_PKEY* rsa_key(const std::string& n, const std::string& e) {
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (bn_n != nullptr && bn_e != nullptr && bld != nullptr &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    if (params != nullptr) pkey = key_from_params("RSA", params);
    OSSL_PARAM_free(params);
  }
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  // Keys under 2048 bits are refused (RFC 7518 3.3).
  if (pkey != nullptr && EVP_PKEY_get_bits(pkey) < 2048) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  return pkey;
}

EVP_PKEY* ec_p256_key(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return nullptr;
  std::string point = std::string(1, '\x04') + x + y;  // uncompressed
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  EVP_PKEY* pkey = nullptr;
  if (bld != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) ==
          1) {
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    if (params != nullptr) pkey = key_from_params("EC", params);
    OSSL_PARAM_free(params);
  }
  OSSL_PARAM_BLD_free(bld);
  return pkey;
}

// ES256 signatures are r||s (32 bytes each); OpenSSL verifies DER.
std::optional<std::string> ecdsa_raw_to_der(const std::string& raw) {
  if (raw.size() != 64) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

bool verify_sha256(EVP_PKEY* key, std::string_view data, const std::string& sig) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = md != nullptr && EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

JwsResult fail(JwsError e, std::string reason) {
  return {e, std::move(reason), ""};
}

}  // namespace

std::optional<Jwks> parse_jwks(std::string_view json, std::string* error) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("keys") || !d["keys"].IsArray()) {
    if (error != nullptr) *error = "not a JWKS document";
    return std::nullopt;
  }
  Jwks out;
  for (const auto& k : d["keys"].GetArray()) {
    std::string use = member(k, "use");
    if (!use.empty() && use != "sig") continue;
    Jwk jwk;
    jwk.kid = member(k, "kid");
    jwk.kty = member(k, "kty");
    jwk.alg = member(k, "alg");
    EVP_PKEY* pkey = nullptr;
    if (jwk.kty == "RSA") {
      auto n = base64url_decode(member(k, "n"));
      auto e = base64url_decode(member(k, "e"));
      if (n && e && !n->empty() && !e->empty()) pkey = rsa_key(*n, *e);
    } else if (jwk.kty == "EC" && member(k, "crv") == "P-256") {
      auto x = base64url_decode(member(k, "x"));
      auto y = base64url_decode(member(k, "y"));
      if (x && y) pkey = ec_p256_key(*x, *y);
    }
    if (pkey == nullptr) continue;
    jwk.key = wrap(pkey);
    out.keys.push_back(std::move(jwk));
  }
  return out;
}

JwsResult verify_jws(std::string_view token, const Jwks& jwks) {
  size_t a = token.find('.');
  size_t b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (a == std::string_view::npos || b == std::string_view::npos ||
      token.find('.', b + 1) != std::string_view::npos) {
    return fail(JwsError::kMalformed, "the ID token is not a compact JWS");
  }
  auto header = base64url_decode(token.substr(0, a));
  auto payload = base64url_decode(token.substr(a + 1, b - a - 1));
  auto sig = base64url_decode(token.substr(b + 1));
  if (!header || !payload || !sig)
    return fail(JwsError::kMalformed, "bad base64url in the ID token");
  rapidjson::Document h;
  h.Parse(header->data(), header->size());
  if (h.HasParseError() || !h.IsObject()) return fail(JwsError::kMalformed, "bad ID token header");
  std::string alg = member(h, "alg");
  if (alg != "RS256" && alg != "ES256") {
    return fail(JwsError::kAlgNotAllowed, "ID token algorithm '" + alg + "' is not accepted");
  }
  if (h.HasMember("crit")) return fail(JwsError::kMalformed, "ID token header has crit");
  const std::string kty = alg == "RS256" ? "RSA" : "EC";
  std::string kid = member(h, "kid");
  const Jwk* key = nullptr;
  int candidates = 0;
  for (const Jwk& k : jwks.keys) {
    if (k.kty != kty || (!k.alg.empty() && k.alg != alg)) continue;
    if (!kid.empty() ? k.kid == kid : true) {
      key = &k;
      ++candidates;
    }
  }
  if (key == nullptr || (kid.empty() && candidates != 1)) {
    return fail(JwsError::kUnknownKey,
                "no key of the provider matches the ID token (kid '" + kid + "', " + alg + ")");
  }
  std::string signature = *sig;
  if (alg == "ES256") {
    auto der = ecdsa_raw_to_der(signature);
    if (!der) return fail(JwsError::kBadSignature, "bad ES256 signature length");
    signature = *der;
  }
  if (!verify_sha256(key->key.get(), token.substr(0, b), signature)) {
    return fail(JwsError::kBadSignature, "the ID token's signature does not verify");
  }
  return {JwsError::kNone, "", *payload};
}

ClaimsResult check_id_claims(std::string_view payload_json, const IdTokenExpectation& want) {
  ClaimsResult r;
  rapidjson::Document p;
  p.Parse(payload_json.data(), payload_json.size());
  if (p.HasParseError() || !p.IsObject()) {
    r.error = "the ID token's payload is not a JSON object";
    return r;
  }
  if (member(p, "iss") != want.issuer) {
    r.error = "the ID token's issuer is not the provider's";
    return r;
  }
  // aud: our client id, alone or among others; with others, azp must be us.
  bool ours = false;
  size_t audiences = 0;
  if (p.HasMember("aud") && p["aud"].IsString()) {
    audiences = 1;
    ours = want.client_id == p["aud"].GetString();
  } else if (p.HasMember("aud") && p["aud"].IsArray()) {
    for (const auto& a : p["aud"].GetArray()) {
      ++audiences;
      if (a.IsString() && want.client_id == a.GetString()) ours = true;
    }
  }
  if (!ours) {
    r.error = "the ID token is not meant for this client (aud)";
    return r;
  }
  std::string azp = member(p, "azp");
  if ((audiences > 1 || !azp.empty()) && azp != want.client_id) {
    r.error = "the ID token's authorized party is not this client (azp)";
    return r;
  }
  auto number = [&](const char* name) -> std::optional<int64_t> {
    if (!p.HasMember(name) || !p[name].IsNumber()) return std::nullopt;
    return p[name].IsInt64() ? p[name].GetInt64() : static_cast<int64_t>(p[name].GetDouble());
  };
  auto exp = number("exp");
  auto iat = number("iat");
  if (!exp || !iat) {
    r.error = "the ID token lacks exp or iat";
    return r;
  }
  if (*exp + want.skew_s <= want.now) {
    r.error = "the ID token has expired";
    return r;
  }
  if (*iat > want.now + want.skew_s) {
    r.error = "the ID token was issued in the future (iat)";
    return r;
  }
  if (*iat + want.max_age_s + want.skew_s < want.now) {
    r.error = "the ID token was issued too long ago (iat)";
    return r;
  }
  if (auto nbf = number("nbf"); nbf && *nbf > want.now + want.skew_s) {
    r.error = "the ID token is not valid yet (nbf)";
    return r;
  }
  std::string nonce = member(p, "nonce");
  if (want.nonce.empty() || !constant_time_equal(nonce, want.nonce)) {
    r.error = "the ID token's nonce is not the one this sign-in sent";
    return r;
  }
  r.claims.sub = member(p, "sub");
  if (r.claims.sub.empty() || r.claims.sub.size() > 255) {
    r.error = "the ID token's subject is missing or too long";
    return r;
  }
  r.claims.email = member(p, "email");
  // email_verified is a boolean; some providers send "true" as a string.
  if (p.HasMember("email_verified")) {
    const auto& v = p["email_verified"];
    r.claims.email_verified =
        (v.IsBool() && v.GetBool()) || (v.IsString() && v.GetString() == std::string("true"));
  }
  r.claims.name = member(p, "name");
  return r;
}

}  // namespace cinema::oidc
