// POST /v1/seats, PUT|PATCH|DELETE /v1/seats/{id}: single seats of a hall (owner own).
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::owner_seats {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::owner_seats
