// POST /v1/shows, PUT|PATCH|DELETE /v1/shows/{id}: scheduling shows in an owner's halls.
// A show with bookings is never cascade-cancelled: DELETE refuses (409) while it has reservation
// rows or seats that are not FREE, and price changes wait until no seat is HELD or RESERVED.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::owner_shows {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::owner_shows
