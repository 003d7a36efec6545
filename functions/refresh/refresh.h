// POST /v1/auth/refresh {refresh_token} -> 200 a new pair; the old token is rotated out.
// Presenting a rotated token again revokes its whole family.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::refresh {

Response handle(const Request& req, Context& ctx);

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::refresh
