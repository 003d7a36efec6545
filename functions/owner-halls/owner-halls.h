// POST /v1/halls, PUT|PATCH|DELETE /v1/halls/{id}: halls and their generated seats (owner own).
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::owner_halls {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::owner_halls
