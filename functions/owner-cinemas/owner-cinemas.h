// POST /v1/cinemas, PUT|PATCH|DELETE /v1/cinemas/{id}: an owner's cinemas (OWNER own, ADMIN all).
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::owner_cinemas {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::owner_cinemas
