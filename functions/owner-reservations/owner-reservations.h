// Owner views of bookings, for their own cinemas only (ADMIN: all):
//   GET /v1/shows/{id}/reservations?status=  -> {items:[...]}
//   GET /v1/owner/reservations/{id}          -> the reservation
//   DELETE /v1/owner/reservations/{id}       -> 200 cancelled (owner override, before start)
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::owner_reservations {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::owner_reservations
