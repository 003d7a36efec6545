// An in-memory booking store for unit tests of the booking verbs: the same
// contract as MariaBookingStore (cinema/mariadb_booking_store.h), kept in
// plain maps. A transaction works on a copy that replaces the state only when
// it commits, so a rollback (rollback_only, or an exception) leaves no trace.
// Time is the fake's own `now_ms`, moved by the test.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cinema/booking_store.h"

namespace cinema::testing {

struct FakeSeat {
  std::string status = "FREE";  // FREE | HELD | RESERVED
  int64_t hold_id = 0;
  int64_t reservation_id = 0;
  int64_t held_until_ms = 0;
  int64_t price_cents = 0;
};

struct FakeHold {
  int64_t id = 0, show_id = 0, user_id = 0;
  std::string status = kHoldActive;
  std::string source = "CUSTOMER";
  int64_t expires_ms = 0;
  int64_t total_cents = 0;
  std::string currency;
  std::vector<int64_t> seat_ids;
};

struct FakeReservation {
  int64_t id = 0, show_id = 0, user_id = 0, hold_id = 0;
  std::string status = "CONFIRMED";
  std::string source;
  int64_t total_cents = 0;
  std::string currency;
  std::string payment_ref;
  std::map<int64_t, int64_t> seats;  // seat id -> price, while active
  std::vector<int64_t> all_seats;
  int64_t cancelled_by = 0;
  std::string cancel_reason;
};

struct FakeShow {
  ShowRow row;
  int64_t owner_id = 0;
  int64_t starts_ms = 0;
  std::map<int64_t, FakeSeat> seats;  // by seat id
};

struct FakePayment {
  int64_t hold_id = 0, user_id = 0, amount_cents = 0, reservation_id = 0;
  std::string currency, status, reference, reason;
  int64_t attempt = 0;
  int64_t refunded_cents = 0;
};

struct FakeOffer {
  int64_t entry_id = 0, hold_id = 0, reservation_id = 0;
  std::string status = "OFFERED";
  bool has_token = true;
};

struct FakeEvent {
  std::string type, aggregate_type;
  int64_t aggregate_id = 0;
  std::string data;  // the event's data object as written
};

struct FakeBookingState {
  int64_t now_ms = 1'000'000'000'000;
  std::map<int64_t, FakeShow> shows;
  std::map<int64_t, FakeHold> holds;
  std::map<int64_t, FakeReservation> reservations;
  std::map<int64_t, FakePayment> payments;  // by hold id (one per hold, as the unique key)
  std::vector<FakeOffer> offers;
  std::map<std::string, StoredAnswer> answers;  // "user|endpoint|key"
  std::map<int64_t, int64_t> refunds;           // reservation id -> refund amount
  std::vector<FakeEvent> events;                // the outbox, in order
  int64_t next_id = 100;
};

class FakeBookingStore final : public BookingStore {
 public:
  FakeBookingState state;

  // A scheduled show starting in an hour with `seat_count` seats (ids 1..n)
  // at `price_cents` each; returns the show id.
  int64_t add_show(int64_t show_id, int seat_count, int64_t price_cents, int64_t owner_id = 1);
  // Events of `type`, in outbox order.
  std::vector<FakeEvent> events_of(const std::string& type) const;

  HoldPlaced place_hold(const HoldAsk& ask) override;
  std::optional<AmountDue> amount_due(int64_t user_id, int64_t show_id, int64_t hold_id) override;
  void record_authorization(const AuthorizationRecord& r) override;
  void mark_captured(int64_t hold_id) override;
  bool mark_voided(int64_t hold_id) override;

 protected:
  void run_transaction(const std::function<void(BookingTx&)>& fn) override;
};

}  // namespace cinema::testing
