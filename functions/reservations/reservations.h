// GET /v1/my-reservations?limit=&cursor= -> {items,next_cursor} (newest first)
// GET /v1/reservations/{id} -> the reservation; visible to its customer, the
// owner of the show's cinema and admins; anyone else gets 404.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::reservations {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::reservations
