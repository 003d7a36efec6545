#include "tasks.h"

namespace cinema::worker {
namespace {

constexpr int64_t kBatch = 1000;

// Runs a DELETE ... LIMIT kBatch until it deletes less than a batch.
int64_t delete_in_batches(Context& ctx, Deadline deadline, const std::string& sql) {
  int64_t total = 0;
  while (!should_stop(deadline)) {
    int64_t n = ctx.db().autocommit(
        [&](Session& s) { return s.exec(sql, ctx.config().history_retention_hours, kBatch); });
    total += n;
    if (n < kBatch) break;
  }
  return total;
}

}  // namespace

int64_t prune_history(Context& ctx, Deadline deadline) {
  // Unpublished rows are never deleted, however old: they are the relay's.
  // Both walk an index on the time column (outbox: ix_outbox_unpublished).
  return delete_in_batches(ctx, deadline,
                           "DELETE FROM outbox WHERE published_at IS NOT NULL AND "
                           "published_at < NOW(3) - INTERVAL ? HOUR ORDER BY published_at LIMIT ?") +
         delete_in_batches(ctx, deadline,
                           "DELETE FROM processed_events WHERE processed_at < NOW(3) - INTERVAL ? "
                           "HOUR ORDER BY processed_at LIMIT ?");
}

}  // namespace cinema::worker
