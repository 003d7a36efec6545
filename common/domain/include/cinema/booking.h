// Booking steps shared by hold, confirm, cancel, the owner routes and the
// worker. The consistency model of ARCHITECTURE.md lives here: seat state
// changes are single conditional UPDATEs on show_seats, inside one
// transaction with their outbox event (also their audit record).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinema/auth.h"
#include "cinema/context.h"
#include "cinema/db.h"
#include "cinema/http.h"
#include "cinema/outbox.h"
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

// JSON array text "[1,2,3]".
std::string id_array(const std::vector<int64_t>& ids);

// {id, show_id, user_id, status, source, seat_ids, seats:[{seat_id,row,number,price_cents}],
//  total_cents, currency, created_at, cancelled_at}; nullopt if missing.
std::optional<std::string> reservation_json(Session& s, int64_t reservation_id);
// The same for many reservations in two queries, in the order of `ids`
// (missing ones left out).
std::vector<std::string> reservations_json(Session& s, const std::vector<int64_t>& ids);

struct CancelResult {
  std::string body;  // the reservation after cancelling
  int64_t show_id = 0;
  std::vector<OutboxEvent> events;
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
// The DELETE answer of both cancel routes: cancel_reservation, then the seat
// change announced (after_seat_change), as 200 with the reservation or a problem.
Response cancel_reservation_response(Context& ctx, const AuthUser& actor, int64_t reservation_id,
                                     bool (*allowed)(const AuthUser&, const ReservationRef&));

}  // namespace cinema
