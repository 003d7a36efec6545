// The worker's tasks. Each does a bounded amount of work, is safe to run
// concurrently with itself (database locks and idempotent steps), and
// returns how many items it handled.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "broker.h"
#include "cinema/context.h"

namespace cinema::worker {

using Deadline = std::chrono::steady_clock::time_point;
// True once SIGTERM arrived or the deadline passed.
bool should_stop(Deadline deadline);

// Publishes unpublished outbox rows in id order with publisher confirms;
// a row is marked published only after its ack without a return.
int64_t relay_outbox(Context& ctx, Broker& broker, Deadline deadline);

// Expired ACTIVE holds: seats back to FREE, hold EXPIRED, seat.released.
int64_t sweep_expired_holds(Context& ctx, Deadline deadline);

// Payments a confirm left half done: captures authorizations a reservation
// uses, voids those none took (see functions/confirm).
int64_t settle_payments(Context& ctx, Deadline deadline);

// Refunds a cancellation recorded but did not finish (provider unreachable,
// process died after the commit): asked again under their own idempotency
// key (cinema/refunds.h). Returns how many succeeded.
int64_t settle_refunds(Context& ctx, Deadline deadline);

// Deletes published outbox rows and processed_events markers older than
// history_retention_hours, a batch per statement (short locks).
int64_t prune_history(Context& ctx, Deadline deadline);

// Waiting-list assignment for one show in one transaction serialised on the
// show row. Returns the number of entries assigned (or offered). With an
// event id, records it in processed_events in the same transaction and does
// nothing if it was already processed.
int64_t assign_show(Context& ctx, int64_t show_id, const std::string& event_id = "");
using DeliveryHandler = bool (*)(Context&, Broker&, const Delivery&);
// Pulls `queue` (basic.get) into `handle` until it is empty, the deadline
// passes or the handler says stop (the database is down); the count taken.
int64_t drain_queue(Context& ctx, Broker& broker, const char* queue, Deadline deadline,
                    DeliveryHandler handle);

// One seat.released message -> assign_show, idempotent via processed_events;
// acked, requeued once, or dead-lettered. False when the database is down
// (stop consuming for now; the message was requeued).
bool handle_waitlist_delivery(Context& ctx, Broker& broker, const Delivery& d);
// Pulls seat.released messages (basic.get) until the queue is empty.
int64_t consume_waitlist(Context& ctx, Broker& broker, Deadline deadline);
// Safety net: every show with WAITING entries, whether or not a message came
// (and first finish_waitlist_charges).
int64_t scan_waitlists(Context& ctx, Deadline deadline);

// A waiting-list entry whose seats are held for it (its hold, an offer until
// the charge decides) while its payment token is charged.
struct PendingCharge {
  int64_t entry_id = 0;
  int64_t user_id = 0;
  int64_t show_id = 0;
  int64_t hold_id = 0;
  int64_t amount_cents = 0;
  std::string currency;
  std::string token;
};
// After the hold's commit: authorizes the amount (keyed by the hold, recorded
// in payments like a confirm's), then in one transaction the hold becomes a
// reservation (entry ASSIGNED), then captures; or, declined, the entry ends
// PAYMENT_FAILED and its seats are released (seat.released). Safe to run twice
// or beside a confirm of the same hold. True when declined.
bool charge_waitlist_entry(Context& ctx, const PendingCharge& c);
// Charges a run left between their hold and their outcome (the worker died):
// finished by charge_waitlist_entry. Returns how many.
int64_t finish_waitlist_charges(Context& ctx, Deadline deadline);

// One booking.* / waitlist.* message -> a notifications row (idempotent);
// the same contract as handle_waitlist_delivery.
bool handle_notification_delivery(Context& ctx, Broker& broker, const Delivery& d);
// Pulls those messages (basic.get) until the queue is empty.
int64_t consume_notifications(Context& ctx, Broker& broker, Deadline deadline);
// POSTs due notifications to the webhook, signed; retries with backoff.
int64_t deliver_webhooks(Context& ctx, Deadline deadline);

// X-Cinema-Signature value for a body: "sha256=<hex HMAC-SHA256>".
std::string webhook_signature(const std::string& secret, const std::string& body);

}  // namespace cinema::worker
