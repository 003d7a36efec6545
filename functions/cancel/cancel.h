// DELETE /v1/reservations/{id} -> 200 the cancelled reservation ({status:"CANCELLED",...}).
// Only the reservation's customer, before the show starts (409 after); a
// reservation of someone else is 404.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::cancel {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::cancel
