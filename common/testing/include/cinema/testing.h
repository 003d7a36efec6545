// Helpers for handler unit tests: requests as nginx would hand them over.
#pragma once

#include <memory>
#include <string>

#include "cinema/accounts.h"
#include "cinema/context.h"
#include "cinema/http.h"
#include "cinema/jwt.h"

namespace cinema::testing {

// The context's account directory as a fake the tests fill (installed on
// first use, so a handler never looks accounts up in the database).
inline FixedAccounts& fake_accounts(Context& ctx) {
  if (auto* fake = dynamic_cast<FixedAccounts*>(ctx.accounts_if_set())) return *fake;
  auto owned = std::make_unique<FixedAccounts>();
  FixedAccounts& fake = *owned;
  ctx.set_accounts(std::move(owned));
  return fake;
}

// A JSON request; with a non-empty `role`, a valid bearer token for user 7
// with that role, signed with the context's secret at the context's time, and
// the account known to the context with that role.
inline Request json_request(std::string method, std::string path, std::string body,
                            const std::string& role, Context& ctx, int64_t user_id = 7) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.body = std::move(body);
  r.headers["content-type"] = "application/json";
  if (!role.empty()) {
    fake_accounts(ctx).accounts[user_id] = AccountState{role, false};
    r.headers["authorization"] =
        "Bearer " + sign_access_token(ctx.config().jwt, user_id, role, ctx.clock().now_s());
  }
  return r;
}

// True when a validation problem names `field` in its errors[].
inline bool names_field(const Response& r, const std::string& field) {
  return r.body.find("\"field\":\"" + field + "\"") != std::string::npos;
}

}  // namespace cinema::testing
