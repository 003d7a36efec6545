// POST /v1/auth/login {email,password} -> 200 access + refresh token.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::login {

Response handle(const Request& req, Context& ctx);

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::login
