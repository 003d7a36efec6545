#include "cinema/booking_verbs.h"

#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/reservation_view.h"

namespace cinema {

const char* reason_name(HoldEnd why) {
  switch (why) {
    case HoldEnd::kReleased:
      return "released";
    case HoldEnd::kReplaced:
      return "replaced";
    case HoldEnd::kExpired:
      return "expired";
    case HoldEnd::kPaymentDeclined:
      return "payment_declined";
    case HoldEnd::kShowCancelled:
      return "show_cancelled";
  }
  return "released";
}

std::string hold_released_data(int64_t show_id, int64_t hold_id, int64_t user_id,
                               const std::vector<int64_t>& seat_ids, HoldEnd why) {
  JsonWriter d;
  d.begin_object()
      .field("show_id", show_id)
      .field("hold_id", hold_id)
      .field("user_id", user_id)
      .key("seat_ids")
      .raw(id_array(seat_ids))
      .field("reason", reason_name(why))
      .end_object();
  return d.str();
}

StatusOr<ShowRow> bookable_show(BookingTx& tx, int64_t show_id) {
  auto show = tx.show(show_id);
  if (!show) return not_found("No such show");
  if (show->status != "SCHEDULED") return conflict("The show has been cancelled");
  if (show->started) return conflict("The show has already started");
  return *show;
}

StatusOr<HoldTry> place_hold(BookingStore& store, const HoldAsk& ask) {
  HoldPlaced placed = store.place_hold(ask);
  HoldTry out;
  switch (placed.outcome) {
    case HoldOutcome::kNotFound:
      return not_found("No such show");
    case HoldOutcome::kCancelled:
      return conflict("The show has been cancelled");
    case HoldOutcome::kStarted:
      return conflict("The show has already started");
    case HoldOutcome::kBadSeats:
      return bad_request("Some seat_ids are not seats of this show",
                         {{"seat_ids", "must be seats of this show"}});
    case HoldOutcome::kTooManyHeld: {
      Problem p = conflict("You may hold at most " + std::to_string(ask.max_held_seats) +
                           " seats across all shows at once; confirm or release a hold first");
      p.type = "/problems/held-seat-cap";
      p.title = "Held-seat cap reached";
      p.with_extension("max_held_seats", std::to_string(ask.max_held_seats))
          .with_extension("held_elsewhere", std::to_string(placed.held_elsewhere));
      return p;
    }
    case HoldOutcome::kUnavailable:
      out.unavailable = placed.unavailable;
      // Freed again meanwhile: still a lost race.
      if (out.unavailable.empty()) out.unavailable = ask.seat_ids;
      return out;
    case HoldOutcome::kOk:
      out.placed = std::move(placed);
      return out;
  }
  return internal_error();
}

namespace {

const char* hold_status_after(HoldEnd why) {
  return why == HoldEnd::kExpired ? kHoldExpired : kHoldReleased;
}

const char* offer_status_after(HoldEnd why) {
  switch (why) {
    case HoldEnd::kExpired:
      return "EXPIRED";
    case HoldEnd::kPaymentDeclined:
      return "PAYMENT_FAILED";
    default:
      return "CANCELLED";
  }
}

// end_hold for a hold the caller has already locked (one read fewer).
std::optional<OutboxEvent> end_locked_hold(BookingTx& tx, const HoldRow& hold, HoldEnd why) {
  if (hold.status != kHoldActive) return std::nullopt;
  if (why == HoldEnd::kExpired && !hold.expired) return std::nullopt;
  std::vector<int64_t> seats = tx.lock_held_seats(hold.id);
  tx.set_hold_status(hold.id, hold_status_after(why));
  tx.free_held_seats(hold.id);
  if (hold.source == "WAITLIST_OFFER") tx.end_offer(hold.id, offer_status_after(why));
  return tx.write_event("seat.released", "show", hold.show_id,
                        hold_released_data(hold.show_id, hold.id, hold.user_id, seats, why));
}

}  // namespace

std::optional<OutboxEvent> end_hold(BookingTx& tx, int64_t hold_id, HoldEnd why) {
  auto hold = tx.lock_hold(hold_id);
  if (!hold) return std::nullopt;
  return end_locked_hold(tx, *hold, why);
}

StatusOr<std::optional<OutboxEvent>> release_hold(BookingTx& tx, int64_t show_id, int64_t user_id,
                                                  int64_t hold_id) {
  auto hold = tx.lock_hold(hold_id);
  if (!hold || hold->show_id != show_id || hold->user_id != user_id) {
    return not_found("No such hold");
  }
  return end_locked_hold(tx, *hold, HoldEnd::kReleased);
}

std::optional<OfferHold> offer_seats(BookingTx& tx, int64_t show_id, int64_t user_id,
                                     const std::string& currency, int64_t ttl_s,
                                     const std::vector<int64_t>& seat_ids,
                                     std::vector<OutboxEvent>& events) {
  auto placed = tx.place_offer_hold(show_id, user_id, currency, ttl_s, seat_ids);
  if (!placed) return std::nullopt;
  JsonWriter held;
  held.begin_object().field("show_id", show_id).field("hold_id", placed->hold_id);
  held.field("user_id", user_id).key("seat_ids").raw(id_array(seat_ids));
  held.field("expires_at", placed->expires_at).end_object();
  events.push_back(tx.write_event("seat.held", "show", show_id, held.str()));
  return placed;
}

StatusOr<Booked> book_hold(BookingTx& tx, const HoldRow& hold, std::vector<int64_t> held_seats,
                           const std::string& payment_ref, const char* source) {
  Booked out;
  out.seat_ids = std::move(held_seats);
  out.reservation_id = tx.insert_reservation(
      {hold.show_id, hold.user_id, hold.id, hold.total_cents, hold.currency, payment_ref, source});
  // The authorization this reservation uses; voided meanwhile means retry.
  if (!tx.attach_authorization(hold.id, out.reservation_id)) {
    tx.rollback_only();
    return conflict("The payment authorization changed while confirming; try again");
  }
  if (out.seat_ids.empty() || tx.reserve_held_seats(hold.id, hold.show_id, out.reservation_id) !=
                                  static_cast<int64_t>(out.seat_ids.size())) {
    tx.rollback_only();
    return conflict("The hold's seats changed while confirming; try again");
  }
  tx.set_hold_status(hold.id, kHoldConfirmed);
  out.entry_id = tx.assign_offer(hold.id, out.reservation_id);
  out.body = tx.reservation_json(out.reservation_id);
  out.events.push_back(
      tx.write_event("booking.confirmed", "reservation", out.reservation_id, out.body));
  // A claimed offer is told by booking.confirmed; the waiting list's own
  // charge also says which entry it served.
  if (out.entry_id && std::string(source) == "WAITLIST") {
    JsonWriter d;
    d.begin_object().field("entry_id", *out.entry_id).field("show_id", hold.show_id);
    d.field("user_id", hold.user_id).field("reservation_id", out.reservation_id);
    d.key("seat_ids").raw(id_array(out.seat_ids)).end_object();
    out.events.push_back(
        tx.write_event("waitlist.assigned", "waitlist_entry", *out.entry_id, d.str()));
  }
  return out;
}

StatusOr<Confirmed> confirm_hold(BookingTx& tx, const ConfirmAsk& ask,
                                 std::vector<OutboxEvent>& freed) {
  freed.clear();
  if (!ask.idem_key.empty()) {
    if (auto earlier = tx.find_answer(ask.user_id, "confirm", ask.idem_key)) {
      if (earlier->request_hash != ask.request_hash) {
        return unprocessable("This Idempotency-Key was used with a different request");
      }
      return Confirmed{earlier->status, earlier->body, {}};
    }
  }
  auto hold = tx.lock_hold(ask.hold_id);
  if (!hold || hold->show_id != ask.show_id || hold->user_id != ask.user_id) {
    return not_found("No such hold");
  }
  if (hold->status == kHoldConfirmed) {
    auto reservation_id = tx.reservation_of_hold(hold->id);
    if (!reservation_id) return conflict("The hold was confirmed but its reservation is gone");
    return Confirmed{200, tx.reservation_json(*reservation_id), {}};
  }
  if (hold->status == kHoldReleased) return conflict("The hold was released");
  if (hold->status == kHoldExpired) return gone("The hold has expired");
  if (hold->expired) {
    // Expired: end it now (with its event) rather than wait for the sweeper.
    if (auto e = end_locked_hold(tx, *hold, HoldEnd::kExpired)) freed.push_back(*e);
    return gone("The hold has expired; hold the seats again");
  }
  std::vector<int64_t> seats = tx.lock_held_seats(hold->id);
  if (seats.empty()) return conflict("The hold's seats have been taken");
  auto show = bookable_show(tx, ask.show_id);
  if (!show.ok()) return show.problem();
  // The hold became confirmable between the pre-read and this lock (a
  // release raced): no authorization to book it with. The client retries.
  if (!ask.payment_ref) return conflict("The hold changed while confirming; try again");
  CINEMA_ASSIGN_OR_RETURN(Booked booked,
                          book_hold(tx, *hold, std::move(seats), *ask.payment_ref, "DIRECT"));
  if (!ask.idem_key.empty()) {
    tx.store_answer(ask.user_id, "confirm", ask.idem_key, {ask.request_hash, 201, booked.body});
  }
  return Confirmed{201, std::move(booked.body), std::move(booked.events)};
}

Cancelled cancel_booking(BookingTx& tx, const ReservationRow& r, int64_t actor_id,
                         const std::string& reason, CancelScope scope) {
  Cancelled out;
  out.seat_ids = tx.release_reservation_seats(r.show_id, r.id);
  tx.mark_cancelled(r.id, actor_id, reason);
  out.refund = tx.record_refund(r.id, r.show_id, reason);
  JsonWriter d;
  d.begin_object()
      .field("show_id", r.show_id)
      .field("reservation_id", r.id)
      .field("user_id", r.user_id)
      .field("cancelled_by", actor_id)
      .key("seat_ids")
      .raw(id_array(out.seat_ids))
      .field("refund_cents", out.refund.amount_cents);
  if (scope == CancelScope::kWholeShow) {
    d.field("reason", reason).field("show_cancelled", true);
  }
  d.end_object();
  if (scope == CancelScope::kOneBooking) {
    out.events.push_back(tx.write_event("seat.released", "show", r.show_id, d.str()));
  }
  out.events.push_back(tx.write_event("booking.cancelled", "reservation", r.id, d.str()));
  return out;
}

ShowEnded end_show_bookings(BookingTx& tx, int64_t show_id, int64_t actor_id,
                            const std::string& reason) {
  ShowEnded out;
  for (int64_t hold_id : tx.lock_active_holds(show_id)) {
    if (auto e = end_hold(tx, hold_id, HoldEnd::kShowCancelled)) {
      ++out.released_holds;
      out.events.push_back(*e);
    }
  }
  for (int64_t reservation_id : tx.lock_reservations_of_show(show_id)) {
    auto r = tx.lock_reservation(reservation_id);
    if (!r || r->status != "CONFIRMED") continue;
    Cancelled c = cancel_booking(tx, *r, actor_id, reason, CancelScope::kWholeShow);
    ++out.cancelled_reservations;
    out.refunded_cents += c.refund.amount_cents;
    out.events.insert(out.events.end(), c.events.begin(), c.events.end());
  }
  // Nothing else should hold a seat now; a seat left so by hand goes back too.
  tx.free_show_seats(show_id);
  return out;
}

Authorization authorize_hold(BookingStore& store, PaymentProvider& provider, const Charge& charge,
                             const std::string& key, int64_t attempt) {
  Authorization auth = provider.authorize(charge, key);
  if (auth.unavailable) return auth;
  store.record_authorization({charge.hold_id, charge.user_id, charge.amount_cents, charge.currency,
                              auth.approved, auth.reference, auth.reason, attempt});
  return auth;
}

void settle_payment(BookingStore& store, PaymentProvider& provider, int64_t hold_id,
                    const std::string& reference, bool reserved) {
  try {
    if (reserved) {
      if (provider.capture(reference)) store.mark_captured(hold_id);
      return;
    }
    if (store.mark_voided(hold_id)) provider.void_authorization(reference);
  } catch (const std::exception& e) {
    log(LogLevel::kWarn, "payment settlement left to the worker",
        {{"hold_id", hold_id}, {"error", e.what()}});
  }
}

}  // namespace cinema
