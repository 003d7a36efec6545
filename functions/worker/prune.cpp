#include "tasks.h"

namespace cinema::worker {
namespace {

constexpr int64_t kBatch = 1000;

// Runs a DELETE ... LIMIT kBatch (the sql's two parameters: `age`, then the
// batch) until it deletes less than a batch.
int64_t delete_in_batches(Context& ctx, Deadline deadline, const std::string& sql, int64_t age) {
  int64_t total = 0;
  while (!should_stop(deadline)) {
    int64_t n = ctx.db().autocommit([&](Session& s) { return s.exec(sql, age, kBatch); });
    total += n;
    if (n < kBatch) break;
  }
  return total;
}

}  // namespace

int64_t prune_history(Context& ctx, Deadline deadline) {
  // Outbox rows are audit records too (audit_feed), so they live as long as
  // audit_log rows. Unpublished rows are never deleted, however old: they are
  // the relay's. Each walks an index on its time column.
  const int64_t audit_days = ctx.config().audit_retention_days;
  return delete_in_batches(ctx, deadline,
                           "DELETE FROM outbox WHERE published_at IS NOT NULL AND "
                           "published_at < NOW(3) - INTERVAL ? DAY ORDER BY published_at LIMIT ?",
                           audit_days) +
         delete_in_batches(ctx, deadline,
                           "DELETE FROM audit_log WHERE created_at < NOW(3) - INTERVAL ? DAY "
                           "ORDER BY created_at LIMIT ?",
                           audit_days) +
         delete_in_batches(ctx, deadline,
                           "DELETE FROM processed_events WHERE processed_at < NOW(3) - INTERVAL ? "
                           "HOUR ORDER BY processed_at LIMIT ?",
                           ctx.config().history_retention_hours);
}

}  // namespace cinema::worker
