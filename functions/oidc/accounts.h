// The account a provider's identity signs in to, and the sign-in itself.
#pragma once

#include <cstdint>
#include <string>

#include "cinema/context.h"
#include "cinema/sessions.h"
#include "cinema/status.h"
#include "id_token.h"

namespace cinema::oidc {

struct LinkedAccount {
  int64_t user_id = 0;
  bool disabled = false;
  std::string how;  // "identity" (known sub), "email" (linked now), "created"
};

// By (provider, sub) in oidc_identities; else, only when the provider says the
// email is verified, the existing account with that email (linked now); else
// a new CUSTOMER (with the verified email when no account has it, otherwise a
// placeholder address, and no usable password). One transaction; a link or a
// new account writes its audit record in it.
StatusOr<LinkedAccount> link_account(Context& ctx, const std::string& provider,
                                     const IdClaims& claims);

// Our token pair for the user, as login issues it (refresh and logout work on
// it), with its audit record; 401 when the account is gone or disabled.
StatusOr<TokenPair> sign_in(Context& ctx, int64_t user_id);

// The address an account created without a usable email gets: unique per
// identity, in the reserved .invalid domain, so nobody can receive mail there
// nor register it.
std::string placeholder_email(const std::string& provider, const std::string& sub);

// Never a hash any password verifies against (not an argon2 string at all).
extern const char* const kNoPasswordHash;

}  // namespace cinema::oidc
