// Reads and answers shared by hold, confirm, cancel, the owner routes and the
// worker around the booking verbs (cinema/booking_verbs.h, which own every
// change of a seat, hold or reservation; docs/ARCHITECTURE.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinema/auth.h"
#include "cinema/booking_verbs.h"
#include "cinema/context.h"
#include "cinema/db.h"
#include "cinema/http.h"
#include "cinema/outbox.h"
#include "cinema/refunds.h"
#include "cinema/reservation_view.h"
#include "cinema/seat_picker.h"
#include "cinema/status.h"

namespace cinema {

struct ShowInfo {
  int64_t id = 0;
  int64_t hall_id = 0;
  std::string status;
  bool started = false;
  std::string currency;
  int64_t seat_version = 0;  // moves when the show's seats or prices change
};

// 404 when missing; 409 when cancelled or already started.
StatusOr<ShowInfo> load_bookable_show(Session& s, int64_t show_id);

// The show's seats with their grid positions and whether each is free now (an
// expired hold counts as free); sets pick.rows/cols to the hall's grid size.
std::vector<SeatCell> load_seat_cells(Session& s, int64_t show_id, PickRequest& pick);

// After the commit of a seat change: bump the seat-map version (so the next
// read renders fresh) and send the live hint once answered. Never throws.
void after_seat_change(Context& ctx, int64_t show_id, const std::vector<OutboxEvent>& events);

// The caller's hold on a show when a request names none (clients written for
// seed 000 confirm and release "my hold"): the ACTIVE one; 410 when the
// latest has expired; 404 when there is none.
StatusOr<int64_t> my_hold_on_show(Session& s, int64_t user_id, int64_t show_id);

struct CancelResult {
  std::string body;  // the reservation after cancelling, with its payment
  int64_t show_id = 0;
  std::vector<OutboxEvent> events;
  RefundIntent refund;  // settled after the commit (cinema/refunds.h)
};

// Cancels a CONFIRMED reservation before its show starts: seats back to FREE,
// reservation_seats.active cleared, seat.released + booking.cancelled events
// (the audit record), all in one transaction. Who may cancel is decided by the
// caller (`allowed` sees the reservation's user_id and cinema owner_id); a
// reservation the caller may not see is 404.
struct ReservationRef {
  int64_t user_id = 0;
  int64_t owner_id = 0;
};
StatusOr<CancelResult> cancel_reservation(Context& ctx, const AuthUser& actor,
                                          int64_t reservation_id,
                                          bool (*allowed)(const AuthUser&, const ReservationRef&));
// The DELETE answer of both cancel routes: cancel_reservation, then its
// refund asked of the provider (left to the worker if that fails) and the
// seat change announced (after_seat_change), as 200 with the reservation and
// its payment, or a problem.
Response cancel_reservation_response(Context& ctx, const AuthUser& actor, int64_t reservation_id,
                                     bool (*allowed)(const AuthUser&, const ReservationRef&));

}  // namespace cinema
