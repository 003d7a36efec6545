// The booking store on MariaDB: every write to show_seats, holds,
// reservations and reservation_seats is in mariadb_booking_store.cpp or in
// the hold procedure (common/adapters/sql/place_hold.sql), nowhere else.
#pragma once

#include "cinema/booking_store.h"
#include "cinema/context.h"
#include "cinema/db.h"

namespace cinema {

// A BookingTx over a Session already inside a transaction: for a step that
// also reads or writes other tables in the same transaction (the waiting
// list, a show cancellation, the catalogue).
class MariaBookingTx final : public BookingTx {
 public:
  MariaBookingTx(Session& s, Context& ctx) : s_(s), ctx_(ctx) {}

  std::optional<ShowRow> show(int64_t show_id) override;
  std::optional<HoldRow> lock_hold(int64_t hold_id) override;
  std::vector<int64_t> lock_held_seats(int64_t hold_id) override;
  void set_hold_status(int64_t hold_id, const char* status) override;
  int64_t free_held_seats(int64_t hold_id) override;
  std::vector<int64_t> lock_active_holds(int64_t show_id) override;
  void end_offer(int64_t hold_id, const char* status) override;
  std::optional<int64_t> assign_offer(int64_t hold_id, int64_t reservation_id) override;
  std::optional<OfferHold> place_offer_hold(int64_t show_id, int64_t user_id,
                                            const std::string& currency, int64_t ttl_s,
                                            const std::vector<int64_t>& seat_ids) override;
  bool has_active_hold(int64_t show_id, int64_t user_id) override;
  int64_t insert_reservation(const NewReservation& r) override;
  std::optional<int64_t> reservation_of_hold(int64_t hold_id) override;
  bool attach_authorization(int64_t hold_id, int64_t reservation_id) override;
  int64_t reserve_held_seats(int64_t hold_id, int64_t show_id, int64_t reservation_id) override;
  std::optional<ReservationRow> lock_reservation(int64_t reservation_id) override;
  std::vector<int64_t> lock_reservations_of_show(int64_t show_id) override;
  std::vector<int64_t> release_reservation_seats(int64_t show_id, int64_t reservation_id) override;
  void mark_cancelled(int64_t reservation_id, int64_t actor_id, const std::string& reason) override;
  RefundIntent record_refund(int64_t reservation_id, int64_t show_id,
                             const std::string& reason) override;
  int64_t free_show_seats(int64_t show_id) override;
  std::string reservation_json(int64_t reservation_id, bool with_payment = false) override;
  std::optional<StoredAnswer> find_answer(int64_t user_id, const std::string& endpoint,
                                          const std::string& key) override;
  void store_answer(int64_t user_id, const std::string& endpoint, const std::string& key,
                    const StoredAnswer& answer) override;
  OutboxEvent write_event(const std::string& type, const std::string& aggregate_type,
                          int64_t aggregate_id, const std::string& data_json) override;
  void rollback_only() override { s_.set_rollback_only(); }

 private:
  Session& s_;
  Context& ctx_;
};

class MariaBookingStore final : public BookingStore {
 public:
  explicit MariaBookingStore(Context& ctx) : ctx_(ctx) {}

  HoldPlaced place_hold(const HoldAsk& ask) override;
  std::optional<AmountDue> amount_due(int64_t user_id, int64_t show_id, int64_t hold_id) override;
  void record_authorization(const AuthorizationRecord& r) override;
  void mark_captured(int64_t hold_id) override;
  bool mark_voided(int64_t hold_id) override;

 protected:
  void run_transaction(const std::function<void(BookingTx&)>& fn) override;

 private:
  Context& ctx_;
};

// Catalogue steps that create, reprice or remove a show's seat rows, inside
// the caller's transaction (no event: the catalogue change is its own record).
struct SeatTypePrices {
  int64_t standard = 0, vip = 0, accessible = 0, companion = 0;
};
// One FREE show seat per active seat of the hall, priced by type.
void create_show_seats(Session& s, int64_t show_id, int64_t hall_id, const SeatTypePrices& p);
// New prices for the show's seats whose status matches `status_sql` (a fixed
// SQL condition on ss.status written by the caller, never input).
int64_t reprice_show_seats(Session& s, int64_t show_id, const SeatTypePrices& p,
                           const char* status_sql);
// A show without sales removed: its ended holds and its seat rows.
void delete_show_rows(Session& s, int64_t show_id);

// Maps the procedure's outcome column; throws on a name it does not know.
HoldOutcome parse_hold_outcome(const std::string& outcome);

}  // namespace cinema
