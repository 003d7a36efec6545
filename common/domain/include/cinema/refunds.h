// Refunds, exactly once. A cancellation records its refund as a PENDING
// payment_refunds row in its own transaction (BookingTx::record_refund), under the provider
// idempotency key refund_key_for_reservation(id) (a reservation is cancelled once, so it is
// refunded once). After the commit the request asks the provider (settle_refund); a provider that
// cannot be reached, or a process that died between the commit and the call, leaves the row
// PENDING, and the worker (or a re-run of a show cancellation) asks again with the same key, which
// the provider answers without moving money twice. The answer is recorded with a conditional
// UPDATE, so payments.refunded_cents grows once per refund.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "cinema/booking_store.h"
#include "cinema/context.h"
#include "cinema/db.h"
#include "cinema/reservation_view.h"

namespace cinema {

enum class RefundState { kSucceeded, kPending, kFailed };

// Outside any transaction: asks the provider for one refund (if still
// PENDING) and records the answer: SUCCEEDED (payments.refunded_cents and
// status move, event payment.refunded), still PENDING with a later next try
// (provider unreachable, or the payment's capture has not happened yet), or
// FAILED (the provider refused; logged for an operator). Never throws.
RefundState settle_refund(Context& ctx, int64_t refund_id);

// PENDING refunds due now, at most `limit` (with `show_id` > 0: every pending
// refund of that show, due or not); settles each until `stop` says so.
// Returns how many succeeded.
int64_t settle_pending_refunds(Context& ctx, int64_t show_id, int64_t limit,
                               const std::function<bool()>& stop = {});

}  // namespace cinema
