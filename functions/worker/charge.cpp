// Waiting-list charges: authorize -> one short transaction -> capture (or
// void), as confirm does, never a provider call inside a transaction. The
// entry's seats are held for it meanwhile by a hold of its own, and that hold
// keys the payment (payments.hold_id, the provider's idempotency key), so a
// repeated run asks the provider nothing new and settle_payments finishes what
// a dead worker left.
#include "cinema/booking.h"
#include "cinema/booking_verbs.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/payment.h"
#include "tasks.h"

namespace cinema::worker {
namespace {

// Declined: the entry ends and its seats go back (seat.released, which the
// waiting list consumes like any other, and waitlist.payment_failed).
void end_declined(Context& ctx, const PendingCharge& c, const std::string& reason) {
  auto events = ctx.bookings().transaction([&](BookingTx& tx) {
    std::vector<OutboxEvent> out;
    // Confirmed by the customer, or ended, meanwhile: nothing to end.
    auto released = end_hold(tx, c.hold_id, HoldEnd::kPaymentDeclined);
    if (!released) return out;
    out.push_back(*released);
    JsonWriter d;
    d.begin_object().field("entry_id", c.entry_id).field("show_id", c.show_id);
    d.field("user_id", c.user_id).field("hold_id", c.hold_id).field("reason", reason);
    d.end_object();
    out.push_back(tx.write_event("waitlist.payment_failed", "waitlist_entry", c.entry_id, d.str()));
    return out;
  });
  if (!events.empty()) after_seat_change(ctx, c.show_id, events);
}

// Approved: the hold becomes the entry's reservation, with the authorization
// it uses. False when the hold is no longer there to book (the customer
// confirmed it, it expired, the show was cancelled).
bool reserve_paid(Context& ctx, const PendingCharge& c, const std::string& reference) {
  auto booked = ctx.bookings().transaction([&](BookingTx& tx) -> std::optional<Booked> {
    auto hold = tx.lock_hold(c.hold_id);
    if (!hold || hold->status != kHoldActive || hold->expired) return std::nullopt;
    if (!bookable_show(tx, c.show_id).ok()) return std::nullopt;
    auto b = book_hold(tx, *hold, tx.lock_held_seats(c.hold_id), reference, "WAITLIST");
    if (!b.ok()) return std::nullopt;
    return std::move(*b);
  });
  if (booked) after_seat_change(ctx, c.show_id, booked->events);
  return booked.has_value();
}

}  // namespace

bool charge_waitlist_entry(Context& ctx, const PendingCharge& c) {
  try {
    Authorization auth = authorize_hold(ctx.bookings(), ctx.payments(),
                                        {c.user_id, c.hold_id, c.amount_cents, c.currency, c.token},
                                        payment_key_for_hold(c.hold_id, 1), 1);
    if (auth.unavailable) {
      // Neither approved nor declined: the hold stays an offer the customer
      // can claim, and the next scan asks again under the same key.
      log(LogLevel::kWarn,
          "payment provider unavailable; waiting-list charge left for the next run",
          {{"entry_id", c.entry_id}, {"hold_id", c.hold_id}, {"reason", auth.reason}});
      return false;
    }
    if (!auth.approved) {
      end_declined(ctx, c, auth.reason);
      return true;
    }
    bool reserved = reserve_paid(ctx, c, auth.reference);
    settle_payment(ctx.bookings(), ctx.payments(), c.hold_id, auth.reference, reserved);
  } catch (const std::exception& e) {
    // The hold stays an offer the customer can claim; the next scan tries again.
    log(LogLevel::kWarn, "waiting-list charge left for the next run",
        {{"entry_id", c.entry_id}, {"hold_id", c.hold_id}, {"error", e.what()}});
  }
  return false;
}

int64_t finish_waitlist_charges(Context& ctx, Deadline deadline) {
  std::vector<PendingCharge> pending = ctx.db().autocommit([&](Session& s) {
    Rows rs = s.query(
        "SELECT e.id, e.user_id, e.show_id, e.hold_id, e.payment_token, h.total_cents, h.currency "
        "FROM waitlist_entries e JOIN holds h ON h.id = e.hold_id WHERE e.status = 'OFFERED' "
        "AND e.payment_token IS NOT NULL AND h.status = 'ACTIVE' AND h.expires_at > NOW(3) "
        "LIMIT 100");
    std::vector<PendingCharge> out;
    while (rs->next()) {
      out.push_back({rs->getInt64("id"), rs->getInt64("user_id"), rs->getInt64("show_id"),
                     rs->getInt64("hold_id"), rs->getInt64("total_cents"),
                     get_string(*rs, "currency"), get_string(*rs, "payment_token")});
    }
    return out;
  });
  int64_t finished = 0;
  for (const PendingCharge& c : pending) {
    if (should_stop(deadline)) break;
    charge_waitlist_entry(ctx, c);
    ++finished;
  }
  return finished;
}

}  // namespace cinema::worker
