// Waiting-list charges: authorize -> one short transaction -> capture (or
// void), as confirm does, never a provider call inside a transaction. The
// entry's seats are held for it meanwhile by a hold of its own, and that hold
// keys the payment (payments.hold_id, the provider's idempotency key), so a
// repeated run asks the provider nothing new and settle_payments finishes what
// a dead worker left.
#include "cinema/booking.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/payment.h"
#include "tasks.h"

namespace cinema::worker {
namespace {

// The authorization is recorded like a confirm's; an authorization a confirm
// of the same hold recorded first is kept.
void record_authorization(Context& ctx, const PendingCharge& c, const Authorization& auth) {
  ctx.db().autocommit([&](Session& s) {
    s.exec(
        "INSERT INTO payments (hold_id, user_id, amount_cents, currency, provider_ref, status, "
        "reason, attempt) VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON DUPLICATE KEY UPDATE "
        "provider_ref = IF(status IN ('DECLINED', 'VOIDED'), VALUES(provider_ref), provider_ref), "
        "reason = IF(status IN ('DECLINED', 'VOIDED'), VALUES(reason), reason), "
        "status = IF(status IN ('DECLINED', 'VOIDED'), VALUES(status), status)",
        c.hold_id, c.user_id, c.amount_cents, c.currency,
        auth.approved ? std::optional<std::string>(auth.reference) : std::nullopt,
        std::string(auth.approved ? "AUTHORIZED" : "DECLINED"),
        auth.approved ? std::optional<std::string>() : std::optional<std::string>(auth.reason));
  });
}

// Declined: the entry ends and its seats go back (seat.released, which the
// waiting list consumes like any other).
void end_declined(Context& ctx, const PendingCharge& c, const std::string& reason) {
  auto events = ctx.db().transaction([&](Session& s) {
    std::vector<OutboxEvent> out;
    Rows h =
        s.query("SELECT 1 FROM holds WHERE id = ? AND status = 'ACTIVE' FOR UPDATE", c.hold_id);
    if (!h->next()) return out;  // confirmed by the customer, or ended, meanwhile
    Rows seats =
        s.query("SELECT seat_id FROM show_seats WHERE hold_id = ? AND status = 'HELD' FOR UPDATE",
                c.hold_id);
    std::vector<int64_t> ids;
    while (seats->next()) ids.push_back(seats->getInt64("seat_id"));
    s.exec("UPDATE holds SET status = 'RELEASED' WHERE id = ?", c.hold_id);
    s.exec(
        "UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL "
        "WHERE hold_id = ? AND status = 'HELD'",
        c.hold_id);
    s.exec(
        "UPDATE waitlist_entries SET status = 'PAYMENT_FAILED', payment_token = NULL "
        "WHERE id = ? AND hold_id = ? AND status = 'OFFERED'",
        c.entry_id, c.hold_id);
    JsonWriter released;
    released.begin_object().field("show_id", c.show_id).field("hold_id", c.hold_id);
    released.field("user_id", c.user_id).key("seat_ids").raw(id_array(ids));
    released.field("reason", "payment_declined").end_object();
    out.push_back(write_event(s, ctx, "seat.released", "show", c.show_id, released.str()));
    JsonWriter d;
    d.begin_object().field("entry_id", c.entry_id).field("show_id", c.show_id);
    d.field("user_id", c.user_id).field("hold_id", c.hold_id).field("reason", reason);
    d.end_object();
    out.push_back(
        write_event(s, ctx, "waitlist.payment_failed", "waitlist_entry", c.entry_id, d.str()));
    return out;
  });
  if (!events.empty()) after_seat_change(ctx, c.show_id, events);
}

// Approved: the hold becomes the entry's reservation, with the authorization
// it uses. False when the hold is no longer there to book (the customer
// confirmed it, it expired, the show was cancelled).
bool reserve_paid(Context& ctx, const PendingCharge& c, const std::string& reference) {
  std::vector<OutboxEvent> events;
  bool reserved = ctx.db().transaction([&](Session& s) {
    events.clear();
    Rows h = s.query(
        "SELECT total_cents FROM holds WHERE id = ? AND status = 'ACTIVE' AND "
        "expires_at > NOW(3) FOR UPDATE",
        c.hold_id);
    if (!h->next()) return false;
    if (!load_bookable_show(s, c.show_id).ok()) return false;
    s.exec(
        "INSERT INTO reservations (show_id, user_id, hold_id, total_cents, currency, payment_ref, "
        "source) VALUES (?, ?, ?, ?, ?, ?, 'WAITLIST')",
        c.show_id, c.user_id, c.hold_id, h->getInt64("total_cents"), c.currency, reference);
    int64_t rid = s.last_insert_id();
    if (s.exec("UPDATE payments SET reservation_id = ? WHERE hold_id = ? AND status = "
               "'AUTHORIZED' AND reservation_id IS NULL",
               rid, c.hold_id) != 1) {
      s.set_rollback_only();
      return false;
    }
    Rows seats =
        s.query("SELECT seat_id FROM show_seats WHERE hold_id = ? AND status = 'HELD'", c.hold_id);
    std::vector<int64_t> ids;
    while (seats->next()) ids.push_back(seats->getInt64("seat_id"));
    if (ids.empty() ||
        s.exec("UPDATE show_seats SET status = 'RESERVED', reservation_id = ?, held_until = NULL "
               "WHERE hold_id = ? AND show_id = ? AND status = 'HELD'",
               rid, c.hold_id, c.show_id) != static_cast<int64_t>(ids.size())) {
      s.set_rollback_only();
      return false;
    }
    s.exec(
        "INSERT INTO reservation_seats (reservation_id, show_id, seat_id, price_cents, active) "
        "SELECT ?, show_id, seat_id, price_cents, 1 FROM show_seats WHERE reservation_id = ?",
        rid, rid);
    s.exec("UPDATE holds SET status = 'CONFIRMED' WHERE id = ?", c.hold_id);
    s.exec(
        "UPDATE waitlist_entries SET status = 'ASSIGNED', reservation_id = ?, payment_token = NULL "
        "WHERE id = ? AND hold_id = ? AND status = 'OFFERED'",
        rid, c.entry_id, c.hold_id);
    events.push_back(
        write_event(s, ctx, "booking.confirmed", "reservation", rid, *reservation_json(s, rid)));
    JsonWriter d;
    d.begin_object().field("entry_id", c.entry_id).field("show_id", c.show_id);
    d.field("user_id", c.user_id).field("reservation_id", rid);
    d.key("seat_ids").raw(id_array(ids)).end_object();
    events.push_back(
        write_event(s, ctx, "waitlist.assigned", "waitlist_entry", c.entry_id, d.str()));
    return true;
  });
  if (reserved) after_seat_change(ctx, c.show_id, events);
  return reserved;
}

// After the transaction, as confirm settles: capture what the reservation
// uses, void what no reservation took. A provider that cannot be reached
// leaves the row AUTHORIZED for settle_payments.
void settle(Context& ctx, const PendingCharge& c, const std::string& reference, bool reserved) {
  if (reserved) {
    if (ctx.payments().capture(reference)) {
      ctx.db().autocommit([&](Session& s) {
        s.exec(
            "UPDATE payments SET status = 'CAPTURED' WHERE hold_id = ? AND status = "
            "'AUTHORIZED' AND reservation_id IS NOT NULL",
            c.hold_id);
      });
    }
    return;
  }
  int64_t voided = ctx.db().autocommit([&](Session& s) {
    return s.exec(
        "UPDATE payments SET status = 'VOIDED' WHERE hold_id = ? AND status = 'AUTHORIZED' AND "
        "reservation_id IS NULL",
        c.hold_id);
  });
  if (voided == 1) ctx.payments().void_authorization(reference);
}

}  // namespace

bool charge_waitlist_entry(Context& ctx, const PendingCharge& c) {
  try {
    Authorization auth =
        ctx.payments().authorize({c.user_id, c.hold_id, c.amount_cents, c.currency, c.token},
                                 payment_key_for_hold(c.hold_id, 1));
    if (auth.unavailable) {
      // Neither approved nor declined: the hold stays an offer the customer
      // can claim, and the next scan asks again under the same key.
      log(LogLevel::kWarn,
          "payment provider unavailable; waiting-list charge left for the next run",
          {{"entry_id", c.entry_id}, {"hold_id", c.hold_id}, {"reason", auth.reason}});
      return false;
    }
    record_authorization(ctx, c, auth);
    if (!auth.approved) {
      end_declined(ctx, c, auth.reason);
      return true;
    }
    bool reserved = reserve_paid(ctx, c, auth.reference);
    settle(ctx, c, auth.reference, reserved);
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
