// The booking state machine, as named verbs over the booking store
// (cinema/booking_store.h). Each verb checks its rule, writes its state
// change and writes its event, so no path can move a seat silently. The
// functions and the worker call these; none of them writes show_seats,
// holds or reservations itself.
//
//   seat:         FREE --place_hold/offer_seats--> HELD --book_hold--> RESERVED
//                 HELD --end_hold--> FREE            RESERVED --cancel_reservation--> FREE
//   hold:         ACTIVE --book_hold--> CONFIRMED
//                 ACTIVE --end_hold(kReleased, kReplaced, kPaymentDeclined, kShowCancelled)-->
//                 RELEASED ACTIVE --end_hold(kExpired)--> EXPIRED
//   reservation:  CONFIRMED --cancel_reservation--> CANCELLED
//
// docs/ARCHITECTURE.md draws the same machine with the events each verb writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cinema/booking_store.h"
#include "cinema/payment.h"
#include "cinema/status.h"

namespace cinema {

// Why a hold ended without becoming a reservation; the seat.released event's
// "reason" is reason_name(). kReplaced happens inside place_hold (the
// procedure writes the same event shape; a test compares them).
enum class HoldEnd { kReleased, kReplaced, kExpired, kPaymentDeclined, kShowCancelled };
const char* reason_name(HoldEnd why);

// The data of seat.released for a hold that ended:
// {"show_id","hold_id","user_id","seat_ids","reason"}.
std::string hold_released_data(int64_t show_id, int64_t hold_id, int64_t user_id,
                               const std::vector<int64_t>& seat_ids, HoldEnd why);

// 404 when missing; 409 when cancelled or already started.
StatusOr<ShowRow> bookable_show(BookingTx& tx, int64_t show_id);

// ---- holds ------------------------------------------------------------------

// One try at a hold: placed, or (placed empty) the seats lost to a race.
struct HoldTry {
  std::optional<HoldPlaced> placed;
  std::vector<int64_t> unavailable;
};
// The refusals as problems: 404 no show, 409 cancelled or started, 400 seats
// not of the show, 409 /problems/held-seat-cap with max_held_seats and
// held_elsewhere.
StatusOr<HoldTry> place_hold(BookingStore& store, const HoldAsk& ask);

// Ends an ACTIVE hold: RELEASED (EXPIRED for kExpired, and only once its time
// has passed), its HELD seats FREE, a waiting-list offer it carried ended
// (EXPIRED when it lapsed, PAYMENT_FAILED for a declined charge, CANCELLED
// otherwise), and seat.released written. nullopt when there was nothing to
// end (confirmed, ended, or not yet expired).
std::optional<OutboxEvent> end_hold(BookingTx& tx, int64_t hold_id, HoldEnd why);

// The customer's release: 404 unless the hold is the user's on that show;
// a hold already ended is no change (nullopt).
StatusOr<std::optional<OutboxEvent>> release_hold(BookingTx& tx, int64_t show_id, int64_t user_id,
                                                  int64_t hold_id);

// A waiting-list entry's hold of exactly `seat_ids` (the claim window
// `ttl_s`), with its seat.held event of the same shape place_hold writes;
// nullopt (nothing changed) when a seat was taken meanwhile.
std::optional<OfferHold> offer_seats(BookingTx& tx, int64_t show_id, int64_t user_id,
                                     const std::string& currency, int64_t ttl_s,
                                     const std::vector<int64_t>& seat_ids,
                                     std::vector<OutboxEvent>& events);

// ---- bookings ---------------------------------------------------------------

struct Booked {
  int64_t reservation_id = 0;
  std::vector<int64_t> seat_ids;
  std::optional<int64_t> entry_id;  // the waiting-list entry this booking served
  std::string body;                 // the reservation as the API answers it
  std::vector<OutboxEvent> events;  // booking.confirmed (+ waitlist.assigned)
};

// A hold the caller has locked, ACTIVE and unexpired, on a bookable show,
// with `held_seats` its HELD seats as lock_held_seats gave them, becomes a
// reservation: its authorization attached, its HELD seats RESERVED
// (all of them or nothing: 409, rolled back), the hold CONFIRMED, a
// waiting-list offer ASSIGNED, booking.confirmed written (and
// waitlist.assigned when the waiting list charged it, source "WAITLIST").
StatusOr<Booked> book_hold(BookingTx& tx, const HoldRow& hold, std::vector<int64_t> held_seats,
                           const std::string& payment_ref, const char* source);

struct ConfirmAsk {
  int64_t user_id = 0;
  int64_t show_id = 0;
  int64_t hold_id = 0;
  std::optional<std::string> payment_ref;  // the authorization obtained for it
  std::string idem_key;                    // "" when none
  std::string request_hash;
};
struct Confirmed {
  int status = 201;  // 200: the hold was confirmed before (or a replayed answer)
  std::string body;
  std::vector<OutboxEvent> events;
};
// The customer's confirm: an answer kept under the Idempotency-Key replays;
// 404 not the user's hold; a CONFIRMED hold answers its reservation (200);
// 409 released; 410 expired (an expired ACTIVE hold is ended by end_hold,
// its seat.released added to `freed`); 409 seats taken, show not bookable,
// no authorization; else book_hold, its answer kept under the key.
StatusOr<Confirmed> confirm_hold(BookingTx& tx, const ConfirmAsk& ask,
                                 std::vector<OutboxEvent>& freed);

// Cancels a CONFIRMED reservation the caller has checked: seats FREE,
// reservation_seats inactive, status CANCELLED with who and why, its refund
// recorded, booking.cancelled written (and seat.released, unless the whole
// show is being cancelled and show.cancelled says so).
struct Cancelled {
  std::vector<int64_t> seat_ids;
  RefundIntent refund;
  std::vector<OutboxEvent> events;
};
enum class CancelScope { kOneBooking, kWholeShow };
Cancelled cancel_booking(BookingTx& tx, const ReservationRow& r, int64_t actor_id,
                         const std::string& reason, CancelScope scope);

// Every hold and booking of a show being cancelled ends (end_hold
// kShowCancelled, cancel_booking kWholeShow) and every seat is FREE.
struct ShowEnded {
  int64_t released_holds = 0;
  int64_t cancelled_reservations = 0;
  int64_t refunded_cents = 0;
  std::vector<OutboxEvent> events;
};
ShowEnded end_show_bookings(BookingTx& tx, int64_t show_id, int64_t actor_id,
                            const std::string& reason);

// ---- payments ---------------------------------------------------------------

// Asks the provider to authorize a hold's amount under `key` and records the
// answer (nothing is recorded when the provider is unavailable, so a retry
// asks again under the same key).
Authorization authorize_hold(BookingStore& store, PaymentProvider& provider, const Charge& charge,
                             const std::string& key, int64_t attempt);

// After the booking transaction: capture the authorization a reservation
// uses, or void one no reservation took (a concurrent confirm may have
// committed with it, so only then). A provider that cannot be reached leaves
// the row AUTHORIZED for the worker's settle_payments.
void settle_payment(BookingStore& store, PaymentProvider& provider, int64_t hold_id,
                    const std::string& reference, bool reserved);

}  // namespace cinema
