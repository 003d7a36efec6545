// POST /v1/shows/{id}/confirm {"hold_id", "payment_token"?} (+ Idempotency-Key)
//   -> 201 {reservation_id,status,seat_ids,total_cents,currency,...}
// 410 when the hold expired, 409 when its seats were taken after expiry,
// 402 when the payment is declined (the hold stays). A retry with the same
// Idempotency-Key returns the first response; a retry without one returns the
// reservation already made from that hold (200), never a second one.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::confirm {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::confirm
