#include <algorithm>
#include <string>
#include <vector>

#include "cinema/log.h"
#include "tasks.h"

namespace cinema::worker {
namespace {

constexpr int kConfirmTimeoutMs = 5000;

struct Row {
  int64_t id;
  OutgoingMessage msg;
};

constexpr size_t kMarkChunk = 100;

// One UPDATE per kMarkChunk rows, by primary key. A short last chunk is padded
// with its last id, so every UPDATE is the same prepared statement.
void mark_rows_published(Session& s, const std::vector<int64_t>& ids) {
  static const std::string sql =
      "UPDATE outbox SET published_at = NOW(3), attempts = attempts + 1 "
      "WHERE published_at IS NULL AND id IN (" +
      placeholders(kMarkChunk) + ")";
  for (size_t i = 0; i < ids.size(); i += kMarkChunk) {
    std::vector<Session::Param> chunk;
    for (size_t j = 0; j < kMarkChunk; ++j)
      chunk.emplace_back(ids[std::min(i + j, ids.size() - 1)]);
    s.exec_list(sql, chunk);
  }
}

}  // namespace

int64_t relay_outbox(Context& ctx, Broker& broker, Deadline deadline) {
  int64_t published = 0;
  int64_t after_id = 0;  // rows refused in this run are not retried in it
  while (!should_stop(deadline)) {
    std::vector<Row> rows = ctx.db().autocommit([&](Session& s) {
      Rows rs = s.query(
          "SELECT id, event_id, routing_key, payload FROM outbox WHERE published_at IS NULL "
          "AND id > ? ORDER BY id LIMIT ?",
          after_id, ctx.config().relay_batch);
      std::vector<Row> out;
      while (rs->next()) {
        out.push_back({rs->getInt64("id"),
                       {get_string(*rs, "event_id"), get_string(*rs, "routing_key"),
                        get_string(*rs, "payload")}});
      }
      return out;
    });
    if (rows.empty()) break;
    std::vector<OutgoingMessage> batch;
    for (const auto& r : rows) batch.push_back(r.msg);
    std::vector<PublishOutcome> outcomes = broker.publish_confirmed(batch, kConfirmTimeoutMs);
    int64_t acked = 0;
    ctx.db().transaction([&](Session& s) {
      std::vector<int64_t> acked_ids;
      for (size_t i = 0; i < rows.size(); ++i) {
        switch (outcomes[i]) {
          case PublishOutcome::kAcked:
            acked_ids.push_back(rows[i].id);
            break;
          case PublishOutcome::kReturned:
          case PublishOutcome::kNacked:
            s.exec("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                   std::string(outcomes[i] == PublishOutcome::kReturned ? "unroutable" : "nacked"),
                   rows[i].id);
            log(LogLevel::kError, "outbox event refused by the broker",
                {{"event_id", rows[i].msg.message_id},
                 {"routing_key", rows[i].msg.routing_key},
                 {"outcome", outcomes[i] == PublishOutcome::kReturned ? "returned" : "nacked"}});
            break;
          case PublishOutcome::kUnknown:
            break;  // stays unpublished; the next run sends it again
        }
      }
      mark_rows_published(s, acked_ids);
      acked = static_cast<int64_t>(acked_ids.size());
    });
    published += acked;
    after_id = rows.back().id;
    bool unknown = false;
    for (auto o : outcomes) unknown = unknown || o == PublishOutcome::kUnknown;
    if (unknown) {
      log(LogLevel::kWarn, "relay lost the broker mid-batch; unconfirmed rows stay unpublished");
      break;
    }
  }
  return published;
}

}  // namespace cinema::worker
