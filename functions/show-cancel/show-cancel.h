// POST /v1/shows/{id}/cancel {"reason"} by the show's owner or an admin
//   -> 200 {show_id, status:"CANCELLED", reason, cancelled_reservations,
//           refunded_cents, currency, released_holds, closed_waitlist_entries,
//           refunds_pending}
// One transaction marks the show CANCELLED, ends its active holds, cancels
// every reservation and records its refund (cinema/refunds.h), closes the
// waiting list and writes the events (show.cancelled; booking.cancelled per
// reservation and waitlist.cancelled per entry, each with the reason, for the
// customers' notifications). After the commit the refunds are asked of the
// provider (a bounded number; the worker finishes the rest) and the seat map
// and live events say CANCELLED. A repeat (or a re-run after a crash after
// the commit) answers 200 with the same figures, from show_cancellations, and
// asks again for the refunds still pending under their own keys, so nothing
// is refunded twice. Other owners get 404, customers 403; a show that has
// ended, 409.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::show_cancel {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::show_cancel
