// The booking tables (show_seats, holds, reservations, reservation_seats, and
// the payment and waiting-list rows a booking step moves with them) behind one
// interface. The rules that decide which step may happen live in the booking
// verbs (cinema/booking_verbs.h); this port only reads and writes rows.
// Two implementations keep one contract: MariaBookingStore
// (cinema/mariadb_booking_store.h), which integration tests prove through the
// whole stack, and the in-memory FakeBookingStore the verbs' unit tests use.
// No vendor type appears here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "cinema/event.h"

namespace cinema {

// holds.status
inline constexpr const char* kHoldActive = "ACTIVE";
inline constexpr const char* kHoldConfirmed = "CONFIRMED";
inline constexpr const char* kHoldReleased = "RELEASED";
inline constexpr const char* kHoldExpired = "EXPIRED";

struct ShowRow {
  int64_t id = 0;
  int64_t hall_id = 0;
  std::string status;  // SCHEDULED | CANCELLED
  bool started = false;
  std::string currency;
  int64_t seat_version = 0;  // moves when the show's seats or prices change
};

struct HoldRow {
  int64_t id = 0;
  int64_t show_id = 0;
  int64_t user_id = 0;
  std::string status;    // kHold*
  std::string source;    // CUSTOMER | WAITLIST_OFFER
  bool expired = false;  // expires_at has passed (whatever the status says)
  int64_t total_cents = 0;
  std::string currency;
};

struct ReservationRow {
  int64_t id = 0;
  int64_t show_id = 0;
  int64_t user_id = 0;
  int64_t owner_id = 0;  // the show's cinema's owner
  std::string status;    // CONFIRMED | CANCELLED
  bool started = false;  // the show has started
};

struct NewReservation {
  int64_t show_id = 0;
  int64_t user_id = 0;
  int64_t hold_id = 0;
  int64_t total_cents = 0;
  std::string currency;
  std::string payment_ref;
  std::string source;  // DIRECT | WAITLIST
};

// A refund recorded by a cancellation (cinema/refunds.h settles it).
struct RefundIntent {
  int64_t refund_id = 0;  // 0: nothing to refund (never paid, or already refunded)
  int64_t amount_cents = 0;
};

// An answer kept under an Idempotency-Key.
struct StoredAnswer {
  std::string request_hash;
  int status = 0;
  std::string body;
};

// A waiting-list offer's hold, placed inside a transaction.
struct OfferHold {
  int64_t hold_id = 0;
  int64_t total_cents = 0;
  std::string expires_at;  // RFC 3339
};

// What a hold asks to be paid, with its payment so far.
struct AmountDue {
  int64_t total_cents = 0;
  std::string currency;
  std::string payment_status;  // "" when nothing was asked of the provider yet
  std::string payment_ref;
  int64_t attempt = 0;
};

struct AuthorizationRecord {
  int64_t hold_id = 0;
  int64_t user_id = 0;
  int64_t amount_cents = 0;
  std::string currency;
  bool approved = false;
  std::string reference;  // when approved
  std::string reason;     // when declined
  int64_t attempt = 1;
};

// ---- place_hold: one round trip that owns its transaction --------------------

// The outcomes of the hold procedure (common/adapters/sql/place_hold.sql), the
// one place their names are read.
enum class HoldOutcome {
  kOk,
  kNotFound,
  kCancelled,
  kStarted,
  kBadSeats,
  kTooManyHeld,
  kUnavailable
};

struct HoldAsk {
  int64_t show_id = 0;
  int64_t user_id = 0;
  std::string role;
  std::vector<int64_t> seat_ids;  // sorted
  int64_t ttl_s = 0;
  int64_t max_held_seats = 0;  // across the user's live holds on other shows
  std::string held_event_id;   // ids of the events the hold may write
  std::string released_event_id;
  std::string request_id;
};

struct HoldPlaced {
  HoldOutcome outcome = HoldOutcome::kOk;
  int64_t hold_id = 0;
  std::vector<int64_t> seat_ids;  // kOk: the seats held, sorted
  std::string expires_at;         // RFC 3339
  int64_t total_cents = 0;
  std::string currency;
  std::vector<OutboxEvent> events;   // seat.released (a replaced hold) first, then seat.held
  std::vector<int64_t> unavailable;  // kUnavailable: the seats lost
  int64_t held_elsewhere = 0;        // kTooManyHeld: seats held on other shows
};

// ---- one transaction ------------------------------------------------------

// The booking rows inside one transaction. Reads named lock_* lock what they
// return until the commit. Each call is one step; the verbs compose them.
class BookingTx {
 public:
  virtual ~BookingTx() = default;

  virtual std::optional<ShowRow> show(int64_t show_id) = 0;

  virtual std::optional<HoldRow> lock_hold(int64_t hold_id) = 0;
  // The hold's seats still HELD by it, locked, in seat order.
  virtual std::vector<int64_t> lock_held_seats(int64_t hold_id) = 0;
  virtual void set_hold_status(int64_t hold_id, const char* status) = 0;
  // The hold's HELD seats back to FREE; returns how many.
  virtual int64_t free_held_seats(int64_t hold_id) = 0;
  // The ACTIVE holds of a show, locked.
  virtual std::vector<int64_t> lock_active_holds(int64_t show_id) = 0;
  // A waiting-list offer whose hold ended: OFFERED -> `status`, token dropped.
  virtual void end_offer(int64_t hold_id, const char* status) = 0;
  // A waiting-list offer whose hold was booked: OFFERED -> ASSIGNED; returns the entry id.
  virtual std::optional<int64_t> assign_offer(int64_t hold_id, int64_t reservation_id) = 0;
  // A hold of `seat_ids` for a waiting-list entry until `ttl_s` from now,
  // taken only where every seat is free; nullopt (and nothing changed) else.
  virtual std::optional<OfferHold> place_offer_hold(int64_t show_id, int64_t user_id,
                                                    const std::string& currency, int64_t ttl_s,
                                                    const std::vector<int64_t>& seat_ids) = 0;
  virtual bool has_active_hold(int64_t show_id, int64_t user_id) = 0;

  virtual int64_t insert_reservation(const NewReservation& r) = 0;
  virtual std::optional<int64_t> reservation_of_hold(int64_t hold_id) = 0;
  // The hold's AUTHORIZED payment, not yet used, now used by the reservation.
  virtual bool attach_authorization(int64_t hold_id, int64_t reservation_id) = 0;
  // The hold's HELD seats become the reservation's (RESERVED, and its
  // reservation_seats at the prices held); returns how many moved.
  virtual int64_t reserve_held_seats(int64_t hold_id, int64_t show_id, int64_t reservation_id) = 0;
  virtual std::optional<ReservationRow> lock_reservation(int64_t reservation_id) = 0;
  virtual std::vector<int64_t> lock_reservations_of_show(int64_t show_id) = 0;
  // The reservation's seats back to FREE and its reservation_seats inactive;
  // returns the seat ids it had.
  virtual std::vector<int64_t> release_reservation_seats(int64_t show_id,
                                                         int64_t reservation_id) = 0;
  virtual void mark_cancelled(int64_t reservation_id, int64_t actor_id,
                              const std::string& reason) = 0;
  // A PENDING refund of what is left of the reservation's payment; a second
  // call for the same reservation answers the first.
  virtual RefundIntent record_refund(int64_t reservation_id, int64_t show_id,
                                     const std::string& reason) = 0;
  // Any seat of the show still not FREE goes back to FREE (a show cancelled).
  virtual int64_t free_show_seats(int64_t show_id) = 0;
  // The reservation as its API answer (cinema/reservation_view.h), with its
  // payment when asked.
  virtual std::string reservation_json(int64_t reservation_id, bool with_payment = false) = 0;

  virtual std::optional<StoredAnswer> find_answer(int64_t user_id, const std::string& endpoint,
                                                  const std::string& key) = 0;
  virtual void store_answer(int64_t user_id, const std::string& endpoint, const std::string& key,
                            const StoredAnswer& answer) = 0;

  // The event row, in this transaction; also the change's audit record.
  virtual OutboxEvent write_event(const std::string& type, const std::string& aggregate_type,
                                  int64_t aggregate_id, const std::string& data_json) = 0;
  // Roll back instead of committing when the transaction's body returns.
  virtual void rollback_only() = 0;
};

class BookingStore {
 public:
  virtual ~BookingStore() = default;

  // Runs fn(BookingTx&) in one transaction and commits (unless rollback_only);
  // deadlocks are retried, so fn may run more than once.
  template <class F>
  auto transaction(F&& fn) -> std::invoke_result_t<F&, BookingTx&> {
    using R = std::invoke_result_t<F&, BookingTx&>;
    if constexpr (std::is_void_v<R>) {
      run_transaction([&](BookingTx& tx) { fn(tx); });
    } else {
      std::optional<R> out;
      run_transaction([&](BookingTx& tx) { out.emplace(fn(tx)); });
      return std::move(*out);
    }
  }

  // The whole hold in one round trip: show checks, the held-seat cap, the
  // replacement of the user's hold on the show, the conditional take of every
  // seat and the events, committed together or not at all.
  virtual HoldPlaced place_hold(const HoldAsk& ask) = 0;

  // The hold's amount when it can still be confirmed by `user_id`.
  virtual std::optional<AmountDue> amount_due(int64_t user_id, int64_t show_id,
                                              int64_t hold_id) = 0;
  // Records an authorization; never over one a concurrent step recorded.
  virtual void record_authorization(const AuthorizationRecord& r) = 0;
  // AUTHORIZED -> CAPTURED for the payment a reservation uses.
  virtual void mark_captured(int64_t hold_id) = 0;
  // AUTHORIZED -> VOIDED for a payment no reservation took; true if it was.
  virtual bool mark_voided(int64_t hold_id) = 0;

 protected:
  virtual void run_transaction(const std::function<void(BookingTx&)>& fn) = 0;
};

}  // namespace cinema
