#include <rapidjson/document.h>

#include <algorithm>
#include <map>

#include "cinema/booking.h"
#include "cinema/booking_verbs.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/mariadb_booking_store.h"
#include "cinema/seat_picker.h"
#include "tasks.h"
#include "waitlist_policy.h"

namespace cinema::worker {
namespace {

enum class Step { kDone, kSkipped, kLostRace };

struct ShowToAssign {
  int64_t id = 0;
  std::string currency;
  bool reserves = true;  // shows.waitlist_mode = 'RESERVE'
};

// The entry gets a hold of `ids` (source WAITLIST_OFFER) until the claim
// window ends, and becomes OFFERED; its seat.held has the fields the hold
// procedure gives it (offer_seats; the test WorkerOfferMode.* compares the
// two). nullopt when the step did not happen.
std::optional<OfferHold> hold_for(Session& s, Context& ctx, const ShowToAssign& show,
                                  const WaitingEntry& e, const std::vector<int64_t>& ids,
                                  std::vector<OutboxEvent>& events, Step& step) {
  MariaBookingTx tx(s, ctx);
  if (tx.has_active_hold(show.id, e.user_id)) {
    step = Step::kSkipped;  // the user is holding seats right now; next run
    return std::nullopt;
  }
  auto placed =
      offer_seats(tx, show.id, e.user_id, show.currency, ctx.config().offer_ttl_s, ids, events);
  if (!placed) {
    step = Step::kLostRace;
    return std::nullopt;
  }
  s.exec("UPDATE waitlist_entries SET status = 'OFFERED', hold_id = ? WHERE id = ?",
         placed->hold_id, e.id);
  step = Step::kDone;
  return placed;
}

// Offer: the hold is the entry's to confirm within the claim window.
Step offer_to(Session& s, Context& ctx, const ShowToAssign& show, const WaitingEntry& e,
              const std::vector<int64_t>& ids, std::vector<OutboxEvent>& events) {
  Step step = Step::kDone;
  auto placed = hold_for(s, ctx, show, e, ids, events, step);
  if (!placed) return step;
  // A token is only for reserve mode; an offer is claimed and paid by confirm.
  s.exec("UPDATE waitlist_entries SET payment_token = NULL WHERE id = ?", e.id);
  JsonWriter d;
  d.begin_object().field("entry_id", e.id).field("show_id", show.id).field("user_id", e.user_id);
  d.field("hold_id", placed->hold_id).key("seat_ids").raw(id_array(ids));
  d.field("expires_at", placed->expires_at).end_object();
  events.push_back(write_event(s, ctx, "waitlist.offered", "waitlist_entry", e.id, d.str()));
  return Step::kDone;
}

// Reserve with a token: the seats are held for the entry (as an offer, so a
// worker that dies before the charge leaves an offer the customer can still
// claim, and finish_waitlist_charges completes it), and charged after the
// commit (charge_waitlist_entry).
Step hold_to_charge(Session& s, Context& ctx, const ShowToAssign& show, const WaitingEntry& e,
                    const std::string& token, const std::vector<int64_t>& ids,
                    std::vector<OutboxEvent>& events, std::vector<PendingCharge>& charges) {
  Step step = Step::kDone;
  auto placed = hold_for(s, ctx, show, e, ids, events, step);
  if (!placed) return step;
  charges.push_back(
      {e.id, e.user_id, show.id, placed->hold_id, placed->total_cents, show.currency, token});
  return Step::kDone;
}

// The show locked FOR UPDATE (which serialises assignment per show across
// workers), or nullopt when there is nothing to assign; a cancelled or
// started show's waiting entries expire.
std::optional<ShowToAssign> lock_show(Session& s, int64_t show_id) {
  Rows show = s.query(
      "SELECT status, starts_at <= NOW() AS started, currency, waitlist_mode FROM shows "
      "WHERE id = ? FOR UPDATE",
      show_id);
  if (!show->next()) return std::nullopt;
  if (get_string(*show, "status") != "SCHEDULED" || show->getInt("started") == 1) {
    s.exec(
        "UPDATE waitlist_entries SET status = 'EXPIRED' WHERE show_id = ? AND status = 'WAITING'",
        show_id);
    return std::nullopt;
  }
  return ShowToAssign{show_id, get_string(*show, "currency"),
                      get_string(*show, "waitlist_mode") != "OFFER"};
}

struct Waiting {
  std::vector<WaitingEntry> entries;
  std::map<int64_t, std::string> tokens;  // by entry id; only entries that gave one
};

Waiting waiting_entries(Session& s, int64_t show_id) {
  Rows rs = s.query(
      "SELECT id, user_id, seats_wanted, together, payment_token FROM waitlist_entries "
      "WHERE show_id = ? AND status = 'WAITING' ORDER BY id FOR UPDATE",
      show_id);
  Waiting w;
  while (rs->next()) {
    int64_t id = rs->getInt64("id");
    w.entries.push_back(
        {id, rs->getInt64("user_id"), rs->getInt("seats_wanted"), rs->getInt("together") == 1});
    if (auto token = opt_string(*rs, "payment_token")) w.tokens[id] = *token;
  }
  return w;
}

// One planning pass in one transaction: offers placed, and holds for the
// charges that follow it (returned in `charges`). Returns the entries served.
int64_t assign_pass(Context& ctx, int64_t show_id, const std::string& event_id,
                    std::vector<PendingCharge>& charges) {
  const bool deployment_reserves = ctx.config().waitlist_mode == "reserve";
  std::vector<OutboxEvent> events;
  int64_t served = ctx.db().transaction([&](Session& s) -> int64_t {
    events.clear();
    charges.clear();
    // Consumers are idempotent: the marker commits with the work, or neither.
    if (!event_id.empty() &&
        s.exec("INSERT IGNORE INTO processed_events (consumer, event_id) VALUES ('waitlist', ?)",
               event_id) == 0) {
      return 0;
    }
    auto show = lock_show(s, show_id);
    if (!show) return 0;
    Waiting waiting = waiting_entries(s, show_id);
    std::vector<WaitingEntry>& entries = waiting.entries;
    int64_t count = 0;
    // Execute the plan; when a step does not happen (the user is busy, or a
    // seat was taken meanwhile) plan again for the entries after it, from
    // the seats as they are now.
    while (!entries.empty()) {
      PickRequest layout;
      std::vector<SeatCell> cells = load_seat_cells(s, show_id, layout);
      std::vector<Assignment> plan = plan_waitlist(entries, std::move(cells), layout);
      size_t next = entries.size();
      for (const Assignment& a : plan) {
        const WaitingEntry& e = entries[a.entry];
        auto token = waiting.tokens.find(e.id);
        bool has_token = token != waiting.tokens.end();
        Step step =
            serving_for(show->reserves, deployment_reserves, has_token) == Serving::kCharge
                ? hold_to_charge(s, ctx, *show, e, token->second, a.seat_ids, events, charges)
                : offer_to(s, ctx, *show, e, a.seat_ids, events);
        if (step == Step::kDone) {
          ++count;
          continue;
        }
        next = a.entry + 1;
        break;
      }
      if (next >= entries.size()) break;
      entries.erase(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(next));
    }
    return count;
  });
  if (!events.empty()) after_seat_change(ctx, show_id, events);
  return served;
}

}  // namespace

int64_t assign_show(Context& ctx, int64_t show_id, const std::string& event_id) {
  // Most freed seats have nobody waiting for them (an on-sale rush releases
  // thousands): answer that from a plain read, without locking the show row
  // that every hold's foreign-key check needs.
  auto anyone_waiting = [&] {
    return ctx.db().autocommit([&](Session& s) {
      Rows rs =
          s.query("SELECT 1 FROM waitlist_entries WHERE show_id = ? AND status = 'WAITING' LIMIT 1",
                  show_id);
      return rs->next();
    });
  };
  int64_t served = 0;
  std::string marker = event_id;
  // Nobody waiting: nothing to do, nothing to remember (a redelivery of this
  // event would just read again, and a commit per freed seat is what an
  // on-sale rush cannot pay). A declined charge frees its seats for the
  // entries after it: plan again until a pass declines nothing. Every pass
  // with a charge takes its entries off the queue, so this ends.
  while (anyone_waiting()) {
    std::vector<PendingCharge> charges;
    served += assign_pass(ctx, show_id, marker, charges);
    marker.clear();
    bool declined = false;
    for (const PendingCharge& c : charges) declined = charge_waitlist_entry(ctx, c) || declined;
    if (!declined) break;
  }
  return served;
}

bool handle_waitlist_delivery(Context& ctx, Broker& broker, const Delivery& delivery) {
  const Delivery* d = &delivery;
  {
    rapidjson::Document doc;
    doc.Parse(d->body.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("event_id") ||
        !doc["event_id"].IsString() || !doc.HasMember("data") || !doc["data"].IsObject() ||
        !doc["data"].HasMember("show_id") || !doc["data"]["show_id"].IsInt64()) {
      log(LogLevel::kError, "malformed seat.released message dead-lettered");
      broker.reject(d->tag, false);
      return true;
    }
    std::string event_id = doc["event_id"].GetString();
    int64_t show_id = doc["data"]["show_id"].GetInt64();
    try {
      assign_show(ctx, show_id, event_id);
      broker.ack(d->tag);
    } catch (const std::exception& e) {
      log(LogLevel::kError, "waitlist message failed",
          {{"event_id", event_id}, {"error", e.what()}, {"redelivered", d->redelivered}});
      // The database being away is no fault of the message: it goes back to
      // the queue however often it was delivered, and this run stops consuming.
      // Any other failure gets one more try; the second goes to the dead letters.
      const bool unavailable = dynamic_cast<const DbUnavailable*>(&e) != nullptr;
      broker.reject(d->tag, unavailable || !d->redelivered);
      return !unavailable;
    }
  }
  return true;
}

int64_t consume_waitlist(Context& ctx, Broker& broker, Deadline deadline) {
  return drain_queue(ctx, broker, kWaitlistQueue, deadline, handle_waitlist_delivery);
}

int64_t scan_waitlists(Context& ctx, Deadline deadline) {
  finish_waitlist_charges(ctx, deadline);
  std::vector<int64_t> shows = ctx.db().autocommit([&](Session& s) {
    Rows rs =
        s.query("SELECT DISTINCT show_id FROM waitlist_entries WHERE status = 'WAITING' LIMIT 500");
    std::vector<int64_t> out;
    while (rs->next()) out.push_back(rs->getInt64("show_id"));
    return out;
  });
  int64_t assigned = 0;
  for (int64_t show_id : shows) {
    if (should_stop(deadline)) break;
    assigned += assign_show(ctx, show_id);
  }
  return assigned;
}

}  // namespace cinema::worker
