// POST /v1/auth/register {email,password,display_name?} -> 201 {id,email,role,display_name}.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::registration {

Response handle(const Request& req, Context& ctx);

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::registration
