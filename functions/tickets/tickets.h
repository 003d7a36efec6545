// Tickets and check-in. Every seat of a reservation is a ticket (its
// reservation_seats row); its code is signed on read (ticket_code.h).
//
// GET /v1/reservations/{id}/tickets -> {reservation_id, show_id, items:[{ticket_id,
//   seat_id, row, number, code, status: VALID|USED|CANCELLED, used_at}]}; for the
//   reservation's customer, the owner of the show's cinema and admins; 404 for
//   anyone else.
// POST /v1/checkin {"code"} -> 200 {ticket, show, seat, checked_in_at}, once per
//   ticket, by the owner of the show's cinema or an admin (403 for customers;
//   404 for another owner's ticket or a code that was not signed by us, 400
//   for text that is not a code). 409 for a second scan (`first_scanned_at`)
//   and for a ticket whose reservation was cancelled. Writes ticket.checked_in.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::tickets {

const Router& router();

}  // namespace cinema::tickets
