#include <string>
#include <vector>

#include "cinema/log.h"
#include "cinema/refunds.h"
#include "tasks.h"

namespace cinema::worker {
namespace {

// A confirm captures or voids right after its transaction; these ages leave
// that request time to do it before the worker steps in.
constexpr int kCaptureAfterS = 60;
constexpr int kVoidAfterS = 15 * 60;

struct Open {
  int64_t hold_id;
  std::string reference;
};

}  // namespace

int64_t settle_payments(Context& ctx, Deadline deadline) {
  auto open = [&](const char* where, int age_s) {
    return ctx.db().autocommit([&](Session& s) {
      Rows rs = s.query(std::string("SELECT hold_id, provider_ref FROM payments WHERE status = "
                                    "'AUTHORIZED' AND ") +
                            where + " AND created_at < NOW(3) - INTERVAL ? SECOND LIMIT 100",
                        int64_t{age_s});
      std::vector<Open> out;
      while (rs->next()) out.push_back({rs->getInt64("hold_id"), get_string(*rs, "provider_ref")});
      return out;
    });
  };
  int64_t settled = 0;
  // Reservations whose capture did not happen (provider unreachable, process died).
  for (const Open& p : open("reservation_id IS NOT NULL", kCaptureAfterS)) {
    if (should_stop(deadline)) return settled;
    if (!ctx.payments().capture(p.reference)) continue;
    settled += ctx.db().autocommit([&](Session& s) {
      return s.exec(
          "UPDATE payments SET status = 'CAPTURED' WHERE hold_id = ? AND status = "
          "'AUTHORIZED'",
          p.hold_id);
    });
  }
  // Authorizations no reservation took (the confirm failed and its void did
  // not happen): marked first, so a late confirm cannot take them meanwhile.
  for (const Open& p : open("reservation_id IS NULL", kVoidAfterS)) {
    if (should_stop(deadline)) return settled;
    int64_t marked = ctx.db().autocommit([&](Session& s) {
      return s.exec(
          "UPDATE payments SET status = 'VOIDED' WHERE hold_id = ? AND status = "
          "'AUTHORIZED' AND reservation_id IS NULL",
          p.hold_id);
    });
    if (marked == 1) {
      if (!ctx.payments().void_authorization(p.reference)) {
        log(LogLevel::kWarn, "void of a stale authorization failed; it lapses at the provider",
            {{"hold_id", p.hold_id}});
      }
      ++settled;
    }
  }
  return settled;
}

int64_t settle_refunds(Context& ctx, Deadline deadline) {
  return settle_pending_refunds(ctx, 0, 100, [&] { return should_stop(deadline); });
}

}  // namespace cinema::worker
