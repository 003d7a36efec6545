// POST /v1/shows/{id}/hold {"seat_ids":[..]} | {"count":N,"together":bool,"accessible":bool}
//   -> 201 {hold_id,seat_ids,expires_at,total_cents,currency}
//   409 problem with unavailable_seat_ids when a seat is taken.
// DELETE /v1/shows/{id}/hold {"hold_id"} -> 204 (the caller's own hold only; others 404).
// One active hold per user and show: a new hold replaces the caller's previous
// one in the same transaction (its seats are released), so changing one's
// selection is a single call.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::hold {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::hold
