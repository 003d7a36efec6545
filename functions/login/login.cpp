#include "login.h"

#include "cinema/crypto.h"
#include "cinema/sessions.h"
#include "cinema/validate.h"

namespace cinema::login {
namespace {

// Verifying against a real hash when the account does not exist keeps the
// answer time the same, so timing does not reveal which emails are registered.
const std::string& dummy_hash(const Config& cfg) {
  static const std::string hash =
      hash_password("not-a-real-password", cfg.argon2_opslimit, cfg.argon2_memlimit_kib);
  return hash;
}

struct Account {
  int64_t id = 0;
  std::string password_hash;
  std::string role;
  bool disabled = false;
};

}  // namespace

Response handle(const Request& req, Context& ctx) {
  if (req.method != "POST") return Response::problem(method_not_allowed("POST"));
  auto body = read_json(req, {"email", "password"});
  CINEMA_RETURN_IF_ERROR(body);
  auto raw_email = body->string("email", true, 1, 254);
  auto password = body->string("password", true, 1, 1024);
  CINEMA_RETURN_IF_ERROR(body->finish());

  const auto& cfg = ctx.config();
  // Accounts exist only under their canonical email: an address that has none
  // cannot match one, so it is refused before any hashing.
  auto canonical = normalize_email(*raw_email);
  if (!canonical) {
    return Response::problem(
        bad_request("Invalid email", {{"email", "must be a valid email address"}}));
  }
  const std::string& email = *canonical;
  // One bucket per client address across every email (each attempt costs an
  // argon2 verification), and one per address and account.
  BucketSpec per_address{static_cast<double>(cfg.rate.login_address_burst),
                         cfg.rate.login_address_refill_per_minute / 60.0};
  CINEMA_RETURN_IF_ERROR(
      check_address_rate(ctx.limiter(), cfg.rate, "login", req.remote_addr, per_address));
  BucketSpec spec{static_cast<double>(cfg.rate.login_burst),
                  cfg.rate.login_refill_per_minute / 60.0};
  CINEMA_RETURN_IF_ERROR(
      check_rate(ctx.limiter(), "rl:login:" + req.remote_addr + ":" + email, spec));

  auto account = ctx.db().autocommit([&](Session& s) -> std::optional<Account> {
    Rows rs = s.query(
        "SELECT id, password_hash, role, disabled_at IS NOT NULL AS disabled FROM users "
        "WHERE email = ?",
        email);
    if (!rs->next()) return std::nullopt;
    return Account{rs->getInt64("id"), get_string(*rs, "password_hash"), get_string(*rs, "role"),
                   rs->getInt("disabled") == 1};
  });
  bool ok = account ? verify_password(account->password_hash, *password)
                    : (verify_password(dummy_hash(cfg), *password), false);
  if (!ok) return Response::problem(unauthorized("Invalid email or password"));
  // Said only to someone who knows the password.
  if (account->disabled) return Response::problem(unauthorized("This account is disabled"));

  if (password_needs_rehash(account->password_hash, cfg.argon2_opslimit, cfg.argon2_memlimit_kib)) {
    std::string upgraded = hash_password(*password, cfg.argon2_opslimit, cfg.argon2_memlimit_kib);
    ctx.db().autocommit([&](Session& s) {
      s.exec("UPDATE users SET password_hash = ? WHERE id = ?", upgraded, account->id);
    });
  }
  TokenPair pair = ctx.db().transaction(
      [&](Session& s) { return issue_tokens(s, ctx, account->id, account->role, ""); });
  return Response::json(200, token_pair_json(pair)).with_header("Cache-Control", "no-store");
}

const Router& router() {
  static const Router r{
      {"POST", "/v1/auth/login", handle},
  };
  return r;
}

}  // namespace cinema::login
