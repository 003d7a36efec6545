// POST /v1/halls, PUT|PATCH|DELETE /v1/halls/{id}: halls and their generated seats (owner own).
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::owner_halls {

Response handle(const Request& req, Context& ctx);

}  // namespace cinema::owner_halls
