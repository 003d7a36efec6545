// GET /v1/admin/users?q=&role=&limit=&cursor=, PATCH /v1/admin/users/{id} {role}: ADMIN only.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::admin_users {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::admin_users
