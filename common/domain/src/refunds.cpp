#include "cinema/refunds.h"

#include <algorithm>
#include <vector>

#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/outbox.h"
#include "cinema/payment.h"

namespace cinema {
namespace {

// A payment whose capture is still to happen (the worker captures it).
constexpr int64_t kAwaitCaptureS = 30;

struct PendingRefund {
  std::string status;
  int64_t amount_cents = 0;
  std::string currency;
  std::string key;
  int64_t attempts = 0;
  int64_t payment_id = 0;
  std::string payment_status;
  std::string payment_ref;
  int64_t reservation_id = 0;
  int64_t user_id = 0;
};

std::optional<PendingRefund> load(Session& s, int64_t refund_id) {
  Rows rs = s.query(
      "SELECT r.status, r.amount_cents, r.currency, r.idem_key, r.attempts, r.payment_id, "
      "p.status AS payment_status, p.provider_ref, r.reservation_id, p.user_id FROM "
      "payment_refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = ?",
      refund_id);
  if (!rs->next()) return std::nullopt;
  return PendingRefund{
      get_string(*rs, "status"),         rs->getInt64("amount_cents"),
      get_string(*rs, "currency"),       get_string(*rs, "idem_key"),
      rs->getInt64("attempts"),          rs->getInt64("payment_id"),
      get_string(*rs, "payment_status"), opt_string(*rs, "provider_ref").value_or(""),
      rs->getInt64("reservation_id"),    rs->getInt64("user_id")};
}

void retry_later(Context& ctx, int64_t refund_id, int64_t delay_s, const std::string& error,
                 bool count_attempt) {
  ctx.db().autocommit([&](Session& s) {
    s.exec(
        "UPDATE payment_refunds SET attempts = attempts + ?, last_error = ?, next_attempt_at = "
        "NOW(3) + INTERVAL ? SECOND WHERE id = ? AND status = 'PENDING'",
        int64_t{count_attempt ? 1 : 0}, error.substr(0, 500), delay_s, refund_id);
  });
}

RefundState settle(Context& ctx, int64_t refund_id) {
  auto r = ctx.db().autocommit([&](Session& s) { return load(s, refund_id); });
  if (!r) return RefundState::kFailed;
  if (r->status == "SUCCEEDED") return RefundState::kSucceeded;
  if (r->status == "FAILED") return RefundState::kFailed;
  if (r->payment_status == "AUTHORIZED") {
    // Captured later by the worker (settle_payments); refund after that.
    retry_later(ctx, refund_id, kAwaitCaptureS, "waiting for the payment's capture", false);
    return RefundState::kPending;
  }
  if (r->payment_status == "VOIDED" || r->payment_status == "DECLINED" || r->payment_ref.empty()) {
    ctx.db().autocommit([&](Session& s) {
      s.exec(
          "UPDATE payment_refunds SET status = 'FAILED', last_error = 'the payment was never "
          "captured' WHERE id = ? AND status = 'PENDING'",
          refund_id);
    });
    return RefundState::kFailed;
  }
  RefundResult res = ctx.payments().refund({r->payment_ref, r->amount_cents, r->currency}, r->key);
  switch (res.outcome) {
    case RefundResult::Outcome::kUnavailable: {
      int64_t attempts = r->attempts + 1;
      retry_later(ctx, refund_id,
                  std::min<int64_t>(int64_t{1} << std::min<int64_t>(attempts, 12), 3600),
                  res.reason, true);
      return RefundState::kPending;
    }
    case RefundResult::Outcome::kRefused:
      log(LogLevel::kError, "refund refused by the payment provider; needs an operator",
          {{"refund_id", refund_id}, {"reason", res.reason}});
      ctx.db().autocommit([&](Session& s) {
        s.exec(
            "UPDATE payment_refunds SET status = 'FAILED', attempts = attempts + 1, last_error = "
            "? WHERE id = ? AND status = 'PENDING'",
            res.reason.substr(0, 500), refund_id);
      });
      return RefundState::kFailed;
    case RefundResult::Outcome::kRefunded:
      break;
  }
  ctx.db().transaction([&](Session& s) {
    // Once: a concurrent settle of the same refund got the same answer.
    if (s.exec("UPDATE payment_refunds SET status = 'SUCCEEDED', provider_ref = ?, attempts = "
               "attempts + 1, last_error = NULL WHERE id = ? AND status = 'PENDING'",
               res.reference, refund_id) != 1) {
      return;
    }
    // status first: it reads refunded_cents before this statement adds to it.
    s.exec(
        "UPDATE payments SET status = IF(refunded_cents + ? >= amount_cents, 'REFUNDED', "
        "'PARTIALLY_REFUNDED'), refunded_cents = refunded_cents + ? WHERE id = ?",
        r->amount_cents, r->amount_cents, r->payment_id);
    JsonWriter d;
    d.begin_object()
        .field("refund_id", refund_id)
        .field("payment_id", r->payment_id)
        .field("reservation_id", r->reservation_id)
        .field("user_id", r->user_id)
        .field("amount_cents", r->amount_cents)
        .field("currency", r->currency)
        .field("provider_ref", res.reference)
        .end_object();
    write_event(s, ctx, "payment.refunded", "reservation", r->reservation_id, d.str());
  });
  return RefundState::kSucceeded;
}

}  // namespace

RefundState settle_refund(Context& ctx, int64_t refund_id) {
  try {
    return settle(ctx, refund_id);
  } catch (const std::exception& e) {
    log(LogLevel::kWarn, "refund left to the worker",
        {{"refund_id", refund_id}, {"error", e.what()}});
    return RefundState::kPending;
  }
}

int64_t settle_pending_refunds(Context& ctx, int64_t show_id, int64_t limit,
                               const std::function<bool()>& stop) {
  std::vector<int64_t> ids = ctx.db().autocommit([&](Session& s) {
    Rows rs = show_id > 0 ? s.query(
                                "SELECT id FROM payment_refunds WHERE show_id = ? AND status = "
                                "'PENDING' ORDER BY id LIMIT ?",
                                show_id, limit)
                          : s.query(
                                "SELECT id FROM payment_refunds WHERE status = 'PENDING' AND "
                                "next_attempt_at <= NOW(3) ORDER BY next_attempt_at LIMIT ?",
                                limit);
    std::vector<int64_t> out;
    while (rs->next()) out.push_back(rs->getInt64("id"));
    return out;
  });
  int64_t succeeded = 0;
  for (int64_t id : ids) {
    if (stop && stop()) break;
    if (settle_refund(ctx, id) == RefundState::kSucceeded) ++succeeded;
  }
  return succeeded;
}

}  // namespace cinema
