#include "accounts.h"

#include "cinema/audit.h"
#include "cinema/crypto.h"
#include "cinema/json.h"
#include "cinema/utf8.h"
#include "cinema/validate.h"

namespace cinema::oidc {
namespace {

std::optional<std::string> display_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || !is_valid_utf8(name) || has_control_chars(name)) {
    return std::nullopt;
  }
  return name;
}

std::string link_json(const std::string& provider, const IdClaims& c, const std::string& how) {
  JsonWriter w;
  w.begin_object()
      .field("provider", provider)
      .field("subject", c.sub)
      .field("email_verified", c.email_verified)
      .field("linked_by", how)
      .end_object();
  return w.str();
}

}  // namespace

const char* const kNoPasswordHash = "!oidc:no-password";

std::string placeholder_email(const std::string& provider, const std::string& sub) {
  return provider + "-" + sha256_hex(provider + "\n" + sub).substr(0, 20) + "@oidc.invalid";
}

StatusOr<LinkedAccount> link_account(Context& ctx, const std::string& provider,
                                     const IdClaims& claims) {
  std::optional<std::string> verified_email;
  if (claims.email_verified && !claims.email.empty())
    verified_email = normalize_email(claims.email);
  std::optional<std::string> email_seen;
  if (!claims.email.empty() && claims.email.size() <= 254 && is_valid_utf8(claims.email)) {
    email_seen = claims.email;
  }
  static const ConstraintProblems kConstraints = {
      {Violation::kDuplicateKey, "",
       conflict("This identity is being signed in to at the same moment; try again")},
  };
  return with_constraints(kConstraints, [&] {
    return ctx.db().transaction([&](Session& s) -> LinkedAccount {
      LinkedAccount a;
      Rows rs = s.query(
          "SELECT i.user_id, u.disabled_at IS NOT NULL AS disabled FROM oidc_identities i "
          "JOIN users u ON u.id = i.user_id WHERE i.provider = ? AND i.subject = ? FOR UPDATE",
          provider, claims.sub);
      if (rs->next()) {
        a.user_id = rs->getInt64("user_id");
        a.disabled = rs->getInt("disabled") == 1;
        a.how = "identity";
        s.exec(
            "UPDATE oidc_identities SET last_login_at = NOW(3), email = ?, email_verified = ? "
            "WHERE provider = ? AND subject = ?",
            email_seen, claims.email_verified ? 1 : 0, provider, claims.sub);
        return a;
      }
      std::string role = "CUSTOMER";
      if (verified_email) {
        Rows us = s.query(
            "SELECT id, role, disabled_at IS NOT NULL AS disabled FROM users WHERE email = ? "
            "FOR UPDATE",
            *verified_email);
        if (us->next()) {
          a.user_id = us->getInt64("id");
          a.disabled = us->getInt("disabled") == 1;
          role = get_string(*us, "role");
          a.how = "email";
        }
      }
      if (a.user_id == 0) {
        // A verified email nobody uses becomes the account's; an unverified
        // one never does (it could be someone else's address).
        std::string email =
            verified_email ? *verified_email : placeholder_email(provider, claims.sub);
        s.exec("INSERT INTO users (email, password_hash, display_name) VALUES (?, ?, ?)", email,
               std::string(kNoPasswordHash), display_name(claims.name));
        a.user_id = s.last_insert_id();
        a.how = "created";
      }
      s.exec(
          "INSERT INTO oidc_identities (provider, subject, user_id, email, email_verified, "
          "last_login_at) VALUES (?, ?, ?, ?, ?, NOW(3))",
          provider, claims.sub, a.user_id, email_seen, claims.email_verified ? 1 : 0);
      write_audit(s, ctx,
                  {a.user_id, role, a.how == "created" ? "user.oidc_register" : "user.oidc_link",
                   "user", a.user_id, std::nullopt, link_json(provider, claims, a.how)});
      return a;
    });
  });
}

StatusOr<TokenPair> sign_in(Context& ctx, int64_t user_id) {
  return ctx.db().transaction([&](Session& s) -> StatusOr<TokenPair> {
    Rows rs = s.query(
        "SELECT role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = ? FOR UPDATE",
        user_id);
    if (!rs->next()) return unauthorized("The account no longer exists");
    if (rs->getInt("disabled") == 1) return unauthorized("This account is disabled");
    std::string role = get_string(*rs, "role");
    TokenPair pair = issue_tokens(s, ctx, user_id, role, "");
    write_audit(
        s, ctx,
        {user_id, role, "session.oidc_signin", "user", user_id, std::nullopt, std::nullopt});
    return pair;
  });
}

}  // namespace cinema::oidc
