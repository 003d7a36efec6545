#include "register.h"

#include "cinema/audit.h"
#include "cinema/crypto.h"
#include "cinema/validate.h"

namespace cinema::registration {

Response handle(const Request& req, Context& ctx) {
  if (req.method != "POST") return Response::problem(method_not_allowed("POST"));
  auto body = read_json(req, {"email", "password", "display_name"});
  CINEMA_RETURN_IF_ERROR(body);
  auto raw_email = body->string("email", true, 1, 254);
  auto password = body->string("password", true, 1, 1024);
  auto display_name = body->string("display_name", false, 1, 100);
  std::optional<std::string> email;
  if (raw_email) {
    email = normalize_email(*raw_email);
    if (!email) body->add_error("email", "must be a valid email address");
  }
  if (password && utf8_length(*password) < 8) {
    body->add_error("password", "must be at least 8 characters");
  }
  if (display_name && has_control_chars(*display_name)) {
    body->add_error("display_name", "must not contain control characters");
  }
  CINEMA_RETURN_IF_ERROR(body->finish());

  const auto& cfg = ctx.config();
  BucketSpec spec{static_cast<double>(cfg.rate.register_burst),
                  cfg.rate.register_refill_per_minute / 60.0};
  // One bucket per client address (signup floods, and probing which emails
  // have accounts: the 409 below says so) and one per address + email.
  CINEMA_RETURN_IF_ERROR(
      check_address_rate(ctx.limiter(), cfg.rate, "register", req.remote_addr, spec));
  CINEMA_RETURN_IF_ERROR(
      check_rate(ctx.limiter(), "rl:register:" + req.remote_addr + ":" + *email, spec));

  std::string hash = hash_password(*password, cfg.argon2_opslimit, cfg.argon2_memlimit_kib);
  static const ConstraintProblems kConstraints = {
      {Violation::kDuplicateKey, "", conflict("An account with this email already exists")},
  };
  auto id = with_constraints(kConstraints, [&] {
    return ctx.db().transaction([&](Session& s) {
      s.exec("INSERT INTO users (email, password_hash, display_name) VALUES (?, ?, ?)", *email,
             hash, display_name);
      int64_t user_id = s.last_insert_id();
      write_audit(
          s, ctx,
          {user_id, "CUSTOMER", "user.register", "user", user_id, std::nullopt, std::nullopt});
      return user_id;
    });
  });
  CINEMA_RETURN_IF_ERROR(id);
  JsonWriter w;
  w.begin_object()
      .field("id", *id)
      .field("email", *email)
      .field("role", "CUSTOMER")
      .field("display_name", display_name)
      .end_object();
  return Response::json(201, w.str()).with_header("Location", "/v1/me");
}

const Router& router() {
  static const Router r{
      {"POST", "/v1/auth/register", handle},
  };
  return r;
}

}  // namespace cinema::registration
