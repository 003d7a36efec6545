// POST /v1/auth/logout {refresh_token} -> 204; revokes the token's family.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::logout {

Response handle(const Request& req, Context& ctx);

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::logout
