#include "cinema/fake_booking_store.h"

#include <algorithm>
#include <stdexcept>

#include "cinema/json.h"
#include "cinema/reservation_view.h"

namespace cinema::testing {
namespace {

std::string iso(int64_t ms) {
  return "t+" + std::to_string(ms);  // opaque to the verbs
}

class FakeTx final : public BookingTx {
 public:
  explicit FakeTx(FakeBookingState& st) : st_(st) {}
  bool rolled_back() const { return rollback_; }

  std::optional<ShowRow> show(int64_t show_id) override {
    auto it = st_.shows.find(show_id);
    if (it == st_.shows.end()) return std::nullopt;
    ShowRow r = it->second.row;
    r.started = it->second.starts_ms <= st_.now_ms;
    return r;
  }

  std::optional<HoldRow> lock_hold(int64_t hold_id) override {
    auto it = st_.holds.find(hold_id);
    if (it == st_.holds.end()) return std::nullopt;
    const FakeHold& h = it->second;
    return HoldRow{h.id,          h.show_id, h.user_id,
                   h.status,      h.source,  h.expires_ms <= st_.now_ms,
                   h.total_cents, h.currency};
  }

  std::vector<int64_t> lock_held_seats(int64_t hold_id) override {
    std::vector<int64_t> out;
    auto h = st_.holds.find(hold_id);
    if (h == st_.holds.end()) return out;
    for (const auto& [id, seat] : st_.shows[h->second.show_id].seats) {
      if (seat.status == "HELD" && seat.hold_id == hold_id) out.push_back(id);
    }
    return out;
  }

  void set_hold_status(int64_t hold_id, const char* status) override {
    st_.holds.at(hold_id).status = status;
  }

  int64_t free_held_seats(int64_t hold_id) override {
    int64_t n = 0;
    for (auto& [id, show] : st_.shows) {
      for (auto& [sid, seat] : show.seats) {
        if (seat.status == "HELD" && seat.hold_id == hold_id) {
          seat = FakeSeat{"FREE", 0, 0, 0, seat.price_cents};
          ++n;
        }
      }
    }
    return n;
  }

  std::vector<int64_t> lock_active_holds(int64_t show_id) override {
    std::vector<int64_t> out;
    for (const auto& [id, h] : st_.holds) {
      if (h.show_id == show_id && h.status == kHoldActive) out.push_back(id);
    }
    return out;
  }

  void end_offer(int64_t hold_id, const char* status) override {
    for (FakeOffer& o : st_.offers) {
      if (o.hold_id == hold_id && o.status == "OFFERED") {
        o.status = status;
        o.has_token = false;
      }
    }
  }

  std::optional<int64_t> assign_offer(int64_t hold_id, int64_t reservation_id) override {
    for (FakeOffer& o : st_.offers) {
      if (o.hold_id == hold_id && o.status == "OFFERED") {
        o.status = "ASSIGNED";
        o.reservation_id = reservation_id;
        o.has_token = false;
        return o.entry_id;
      }
    }
    return std::nullopt;
  }

  std::optional<OfferHold> place_offer_hold(int64_t show_id, int64_t user_id,
                                            const std::string& currency, int64_t ttl_s,
                                            const std::vector<int64_t>& seat_ids) override {
    FakeShow& show = st_.shows.at(show_id);
    for (int64_t id : seat_ids) {
      auto it = show.seats.find(id);
      if (it == show.seats.end() || !free_now(it->second)) return std::nullopt;
    }
    FakeHold h;
    h.id = st_.next_id++;
    h.show_id = show_id;
    h.user_id = user_id;
    h.source = "WAITLIST_OFFER";
    h.expires_ms = st_.now_ms + ttl_s * 1000;
    h.currency = currency;
    for (int64_t id : seat_ids) {
      FakeSeat& seat = show.seats.at(id);
      seat = FakeSeat{"HELD", h.id, 0, h.expires_ms, seat.price_cents};
      h.total_cents += seat.price_cents;
    }
    st_.holds[h.id] = h;
    return OfferHold{h.id, h.total_cents, iso(h.expires_ms)};
  }

  bool has_active_hold(int64_t show_id, int64_t user_id) override {
    for (const auto& [id, h] : st_.holds) {
      if (h.show_id == show_id && h.user_id == user_id && h.status == kHoldActive) return true;
    }
    return false;
  }

  int64_t insert_reservation(const NewReservation& r) override {
    // reservations.source is ENUM('DIRECT','WAITLIST')
    if (r.source != "DIRECT" && r.source != "WAITLIST") {
      throw std::runtime_error("Data truncated for column 'source'");
    }
    for (const auto& [id, existing] : st_.reservations) {
      if (existing.hold_id == r.hold_id) throw std::runtime_error("duplicate reservation of hold");
    }
    FakeReservation x;
    x.id = st_.next_id++;
    x.show_id = r.show_id;
    x.user_id = r.user_id;
    x.hold_id = r.hold_id;
    x.source = r.source;
    x.total_cents = r.total_cents;
    x.currency = r.currency;
    x.payment_ref = r.payment_ref;
    st_.reservations[x.id] = x;
    return x.id;
  }

  std::optional<int64_t> reservation_of_hold(int64_t hold_id) override {
    for (const auto& [id, r] : st_.reservations) {
      if (r.hold_id == hold_id) return id;
    }
    return std::nullopt;
  }

  bool attach_authorization(int64_t hold_id, int64_t reservation_id) override {
    auto it = st_.payments.find(hold_id);
    if (it == st_.payments.end() || it->second.status != "AUTHORIZED" ||
        it->second.reservation_id != 0) {
      return false;
    }
    it->second.reservation_id = reservation_id;
    return true;
  }

  int64_t reserve_held_seats(int64_t hold_id, int64_t show_id, int64_t reservation_id) override {
    int64_t moved = 0;
    FakeReservation& r = st_.reservations.at(reservation_id);
    for (auto& [id, seat] : st_.shows.at(show_id).seats) {
      if (seat.status == "HELD" && seat.hold_id == hold_id) {
        seat.status = "RESERVED";
        seat.reservation_id = reservation_id;
        seat.held_until_ms = 0;
        r.seats[id] = seat.price_cents;
        r.all_seats.push_back(id);
        ++moved;
      }
    }
    return moved;
  }

  std::optional<ReservationRow> lock_reservation(int64_t reservation_id) override {
    auto it = st_.reservations.find(reservation_id);
    if (it == st_.reservations.end()) return std::nullopt;
    const FakeReservation& r = it->second;
    const FakeShow& show = st_.shows.at(r.show_id);
    return ReservationRow{r.id,          r.show_id, r.user_id,
                          show.owner_id, r.status,  show.starts_ms <= st_.now_ms};
  }

  std::vector<int64_t> lock_reservations_of_show(int64_t show_id) override {
    std::vector<int64_t> out;
    for (const auto& [id, r] : st_.reservations) {
      if (r.show_id == show_id && r.status == "CONFIRMED") out.push_back(id);
    }
    return out;
  }

  std::vector<int64_t> release_reservation_seats(int64_t show_id, int64_t reservation_id) override {
    FakeReservation& r = st_.reservations.at(reservation_id);
    std::vector<int64_t> out;
    for (const auto& [id, price] : r.seats) out.push_back(id);
    for (auto& [id, seat] : st_.shows.at(show_id).seats) {
      if (seat.status == "RESERVED" && seat.reservation_id == reservation_id) {
        seat = FakeSeat{"FREE", 0, 0, 0, seat.price_cents};
      }
    }
    r.seats.clear();
    return out;
  }

  void mark_cancelled(int64_t reservation_id, int64_t actor_id,
                      const std::string& reason) override {
    FakeReservation& r = st_.reservations.at(reservation_id);
    r.status = "CANCELLED";
    r.cancelled_by = actor_id;
    r.cancel_reason = reason;
  }

  RefundIntent record_refund(int64_t reservation_id, int64_t, const std::string&) override {
    auto earlier = st_.refunds.find(reservation_id);
    if (earlier != st_.refunds.end()) return {reservation_id, earlier->second};
    for (auto& [hold_id, p] : st_.payments) {
      if (p.reservation_id == reservation_id &&
          (p.status == "AUTHORIZED" || p.status == "CAPTURED")) {
        int64_t due = p.amount_cents - p.refunded_cents;
        if (due <= 0) return {};
        st_.refunds[reservation_id] = due;
        return {reservation_id, due};
      }
    }
    return {};
  }

  int64_t free_show_seats(int64_t show_id) override {
    int64_t n = 0;
    for (auto& [id, seat] : st_.shows.at(show_id).seats) {
      if (seat.status != "FREE") {
        seat = FakeSeat{"FREE", 0, 0, 0, seat.price_cents};
        ++n;
      }
    }
    return n;
  }

  std::string reservation_json(int64_t reservation_id, bool) override {
    const FakeReservation& r = st_.reservations.at(reservation_id);
    JsonWriter w;
    w.begin_object()
        .field("id", r.id)
        .field("status", r.status)
        .key("seat_ids")
        .raw(id_array(r.all_seats))
        .field("total_cents", r.total_cents)
        .end_object();
    return w.str();
  }

  std::optional<StoredAnswer> find_answer(int64_t user_id, const std::string& endpoint,
                                          const std::string& key) override {
    auto it = st_.answers.find(std::to_string(user_id) + "|" + endpoint + "|" + key);
    if (it == st_.answers.end()) return std::nullopt;
    return it->second;
  }

  void store_answer(int64_t user_id, const std::string& endpoint, const std::string& key,
                    const StoredAnswer& answer) override {
    st_.answers[std::to_string(user_id) + "|" + endpoint + "|" + key] = answer;
  }

  OutboxEvent write_event(const std::string& type, const std::string& aggregate_type,
                          int64_t aggregate_id, const std::string& data_json) override {
    st_.events.push_back({type, aggregate_type, aggregate_id, data_json});
    return {"fake-" + std::to_string(st_.events.size()), type, data_json};
  }

  void rollback_only() override { rollback_ = true; }

 private:
  bool free_now(const FakeSeat& seat) const {
    return seat.status == "FREE" || (seat.status == "HELD" && seat.held_until_ms <= st_.now_ms);
  }

  FakeBookingState& st_;
  bool rollback_ = false;
};

}  // namespace

int64_t FakeBookingStore::add_show(int64_t show_id, int seat_count, int64_t price_cents,
                                   int64_t owner_id) {
  FakeShow& show = state.shows[show_id];
  show.row = ShowRow{show_id, 1, "SCHEDULED", false, "EUR", 1};
  show.owner_id = owner_id;
  show.starts_ms = state.now_ms + 3'600'000;
  for (int i = 1; i <= seat_count; ++i) show.seats[i] = FakeSeat{"FREE", 0, 0, 0, price_cents};
  return show_id;
}

std::vector<FakeEvent> FakeBookingStore::events_of(const std::string& type) const {
  std::vector<FakeEvent> out;
  for (const FakeEvent& e : state.events) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

void FakeBookingStore::run_transaction(const std::function<void(BookingTx&)>& fn) {
  FakeBookingState copy = state;
  FakeTx tx(copy);
  fn(tx);  // an exception leaves `state` as it was
  if (!tx.rolled_back()) state = std::move(copy);
}

// The hold procedure's contract (common/adapters/sql/place_hold.sql), step by step.
HoldPlaced FakeBookingStore::place_hold(const HoldAsk& ask) {
  HoldPlaced out;
  auto show_it = state.shows.find(ask.show_id);
  if (show_it == state.shows.end()) {
    out.outcome = HoldOutcome::kNotFound;
    return out;
  }
  FakeShow& show = show_it->second;
  if (show.row.status != "SCHEDULED") {
    out.outcome = HoldOutcome::kCancelled;
    return out;
  }
  if (show.starts_ms <= state.now_ms) {
    out.outcome = HoldOutcome::kStarted;
    return out;
  }
  for (int64_t id : ask.seat_ids) {
    if (!show.seats.count(id)) {
      out.outcome = HoldOutcome::kBadSeats;
      return out;
    }
  }
  int64_t elsewhere = 0;
  for (const auto& [id, h] : state.holds) {
    if (h.user_id == ask.user_id && h.status == kHoldActive && h.show_id != ask.show_id &&
        h.expires_ms > state.now_ms) {
      elsewhere += static_cast<int64_t>(h.seat_ids.size());
    }
  }
  if (elsewhere + static_cast<int64_t>(ask.seat_ids.size()) > ask.max_held_seats) {
    out.outcome = HoldOutcome::kTooManyHeld;
    out.held_elsewhere = elsewhere;
    return out;
  }
  FakeBookingState before = state;
  // The user's active hold on this show is replaced.
  for (auto& [id, h] : state.holds) {
    if (h.user_id != ask.user_id || h.show_id != ask.show_id || h.status != kHoldActive) continue;
    std::vector<int64_t> prev;
    for (auto& [sid, seat] : show.seats) {
      if (seat.status == "HELD" && seat.hold_id == id) {
        prev.push_back(sid);
        seat = FakeSeat{"FREE", 0, 0, 0, seat.price_cents};
      }
    }
    h.status = kHoldReleased;
    JsonWriter d;
    d.begin_object()
        .field("show_id", ask.show_id)
        .field("hold_id", id)
        .field("user_id", ask.user_id)
        .key("seat_ids")
        .raw(id_array(prev))
        .field("reason", "replaced")
        .end_object();
    state.events.push_back({"seat.released", "show", ask.show_id, d.str()});
    out.events.push_back({ask.released_event_id, "seat.released", d.str()});
  }
  FakeHold h;
  h.id = state.next_id++;
  h.show_id = ask.show_id;
  h.user_id = ask.user_id;
  h.expires_ms = state.now_ms + ask.ttl_s * 1000;
  h.currency = show.row.currency;
  h.seat_ids = ask.seat_ids;
  for (int64_t id : ask.seat_ids) {
    FakeSeat& seat = show.seats.at(id);
    bool free =
        seat.status == "FREE" || (seat.status == "HELD" && seat.held_until_ms <= state.now_ms);
    if (!free) {
      out.unavailable.push_back(id);
      continue;
    }
    h.total_cents += seat.price_cents;
    seat = FakeSeat{"HELD", h.id, 0, h.expires_ms, seat.price_cents};
  }
  if (!out.unavailable.empty()) {
    state = std::move(before);  // the procedure rolls back
    HoldPlaced lost;
    lost.outcome = HoldOutcome::kUnavailable;
    lost.unavailable = std::move(out.unavailable);
    return lost;
  }
  state.holds[h.id] = h;
  JsonWriter d;
  d.begin_object()
      .field("show_id", ask.show_id)
      .field("hold_id", h.id)
      .field("user_id", ask.user_id)
      .key("seat_ids")
      .raw(id_array(ask.seat_ids))
      .field("expires_at", iso(h.expires_ms))
      .end_object();
  state.events.push_back({"seat.held", "show", ask.show_id, d.str()});
  out.events.push_back({ask.held_event_id, "seat.held", d.str()});
  out.outcome = HoldOutcome::kOk;
  out.hold_id = h.id;
  out.seat_ids = ask.seat_ids;
  out.expires_at = iso(h.expires_ms);
  out.total_cents = h.total_cents;
  out.currency = h.currency;
  return out;
}

std::optional<AmountDue> FakeBookingStore::amount_due(int64_t user_id, int64_t show_id,
                                                      int64_t hold_id) {
  auto it = state.holds.find(hold_id);
  if (it == state.holds.end()) return std::nullopt;
  const FakeHold& h = it->second;
  if (h.user_id != user_id || h.show_id != show_id || h.status != kHoldActive ||
      h.expires_ms <= state.now_ms) {
    return std::nullopt;
  }
  AmountDue due{h.total_cents, h.currency, "", "", 0};
  auto p = state.payments.find(hold_id);
  if (p != state.payments.end()) {
    due.payment_status = p->second.status;
    due.payment_ref = p->second.reference;
    due.attempt = p->second.attempt;
  }
  return due;
}

void FakeBookingStore::record_authorization(const AuthorizationRecord& r) {
  auto it = state.payments.find(r.hold_id);
  if (it != state.payments.end() && it->second.status != "DECLINED" &&
      it->second.status != "VOIDED") {
    return;  // never over an authorization recorded meanwhile
  }
  FakePayment& p = state.payments[r.hold_id];
  p.hold_id = r.hold_id;
  p.user_id = r.user_id;
  p.amount_cents = r.amount_cents;
  p.currency = r.currency;
  p.status = r.approved ? "AUTHORIZED" : "DECLINED";
  p.reference = r.approved ? r.reference : "";
  p.reason = r.approved ? "" : r.reason;
  p.attempt = r.attempt;
}

void FakeBookingStore::mark_captured(int64_t hold_id) {
  auto it = state.payments.find(hold_id);
  if (it != state.payments.end() && it->second.status == "AUTHORIZED" &&
      it->second.reservation_id != 0) {
    it->second.status = "CAPTURED";
  }
}

bool FakeBookingStore::mark_voided(int64_t hold_id) {
  auto it = state.payments.find(hold_id);
  if (it == state.payments.end() || it->second.status != "AUTHORIZED" ||
      it->second.reservation_id != 0) {
    return false;
  }
  it->second.status = "VOIDED";
  return true;
}

}  // namespace cinema::testing
