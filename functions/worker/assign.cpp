#include <rapidjson/document.h>

#include <algorithm>

#include "cinema/booking.h"
#include "cinema/json.h"
#include "cinema/log.h"
#include "cinema/seat_picker.h"
#include "tasks.h"
#include "waitlist_policy.h"

namespace cinema::worker {
namespace {

// Moves `ids` from free to the given state in one conditional UPDATE; false
// (after undoing any partial change) when a seat was taken meanwhile.
bool take_seats(Session& s, int64_t show_id, const std::vector<int64_t>& ids, bool reserve,
                int64_t owner_id) {
  std::vector<Session::Param> params{owner_id};
  if (!reserve) params.emplace_back(owner_id);
  params.emplace_back(show_id);
  params.insert(params.end(), ids.begin(), ids.end());
  std::string set =
      reserve ? "status = 'RESERVED', reservation_id = ?, hold_id = NULL, held_until = NULL"
              : "status = 'HELD', hold_id = ?, reservation_id = NULL, held_until = "
                "(SELECT expires_at FROM holds WHERE id = ?)";
  int64_t changed =
      s.exec_list("UPDATE show_seats SET " + set + " WHERE show_id = ? AND seat_id IN (" +
                      placeholders(ids.size()) +
                      ") AND (status = 'FREE' OR (status = 'HELD' AND held_until <= NOW(3)))",
                  params);
  if (changed == static_cast<int64_t>(ids.size())) return true;
  if (reserve) {
    s.exec("UPDATE show_seats SET status = 'FREE', reservation_id = NULL WHERE reservation_id = ?",
           owner_id);
  } else {
    s.exec(
        "UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL "
        "WHERE hold_id = ?",
        owner_id);
  }
  return false;
}

}  // namespace

namespace {

enum class Step { kDone, kSkipped, kLostRace };

struct ShowToAssign {
  int64_t id = 0;
  std::string currency;
};

// Reserve mode: the entry gets a CONFIRMED reservation of `ids`.
Step reserve_for(Session& s, Context& ctx, const ShowToAssign& show, const WaitingEntry& e,
                 const std::vector<int64_t>& ids, std::vector<OutboxEvent>& events) {
  s.exec(
      "INSERT INTO reservations (show_id, user_id, total_cents, currency, source) "
      "VALUES (?, ?, 0, ?, 'WAITLIST')",
      show.id, e.user_id, show.currency);
  int64_t rid = s.last_insert_id();
  if (!take_seats(s, show.id, ids, true, rid)) {
    s.exec("DELETE FROM reservations WHERE id = ?", rid);
    return Step::kLostRace;
  }
  s.exec(
      "INSERT INTO reservation_seats (reservation_id, show_id, seat_id, price_cents, active) "
      "SELECT ?, show_id, seat_id, price_cents, 1 FROM show_seats WHERE reservation_id = ?",
      rid, rid);
  s.exec(
      "UPDATE reservations SET total_cents = (SELECT COALESCE(SUM(price_cents), 0) FROM "
      "reservation_seats WHERE reservation_id = ?) WHERE id = ?",
      rid, rid);
  s.exec("UPDATE waitlist_entries SET status = 'ASSIGNED', reservation_id = ? WHERE id = ?", rid,
         e.id);
  std::string reservation = *reservation_json(s, rid);
  events.push_back(write_event(s, ctx, "booking.confirmed", "reservation", rid, reservation));
  JsonWriter d;
  d.begin_object().field("entry_id", e.id).field("show_id", show.id).field("user_id", e.user_id);
  d.field("reservation_id", rid).key("seat_ids").raw(id_array(ids)).end_object();
  events.push_back(write_event(s, ctx, "waitlist.assigned", "waitlist_entry", e.id, d.str()));
  return Step::kDone;
}

// Offer mode: the entry gets a hold of `ids` for the offer's lifetime, to
// confirm like any hold.
Step offer_to(Session& s, Context& ctx, const ShowToAssign& show, const WaitingEntry& e,
              const std::vector<int64_t>& ids, std::vector<OutboxEvent>& events) {
  Rows busy = s.query("SELECT 1 FROM holds WHERE show_id = ? AND user_id = ? AND status = 'ACTIVE'",
                      show.id, e.user_id);
  if (busy->next()) return Step::kSkipped;  // the user is holding seats right now; next run
  s.exec(
      "INSERT INTO holds (show_id, user_id, status, source, expires_at, currency) "
      "VALUES (?, ?, 'ACTIVE', 'WAITLIST_OFFER', NOW(3) + INTERVAL ? SECOND, ?)",
      show.id, e.user_id, ctx.config().offer_ttl_s, show.currency);
  int64_t hid = s.last_insert_id();
  if (!take_seats(s, show.id, ids, false, hid)) {
    s.exec("DELETE FROM holds WHERE id = ?", hid);
    return Step::kLostRace;
  }
  s.exec(
      "UPDATE holds SET total_cents = (SELECT COALESCE(SUM(price_cents), 0) FROM "
      "show_seats WHERE hold_id = ?) WHERE id = ?",
      hid, hid);
  s.exec("UPDATE waitlist_entries SET status = 'OFFERED', hold_id = ? WHERE id = ?", hid, e.id);
  // seat.held has the fields place_hold_v3 gives it (migration 0009; the
  // test WorkerOfferMode.* compares the two).
  Rows until =
      s.query("SELECT DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ') FROM holds WHERE id = ?", hid);
  until->next();
  const std::string expires_at = until->getString(1);
  JsonWriter held;
  held.begin_object().field("show_id", show.id).field("hold_id", hid);
  held.field("user_id", e.user_id).key("seat_ids").raw(id_array(ids));
  held.field("expires_at", expires_at).end_object();
  events.push_back(write_event(s, ctx, "seat.held", "show", show.id, held.str()));
  JsonWriter d;
  d.begin_object().field("entry_id", e.id).field("show_id", show.id).field("user_id", e.user_id);
  d.field("hold_id", hid).key("seat_ids").raw(id_array(ids));
  d.field("expires_at", expires_at).end_object();
  events.push_back(write_event(s, ctx, "waitlist.offered", "waitlist_entry", e.id, d.str()));
  return Step::kDone;
}

// The show locked FOR UPDATE (which serialises assignment per show across
// workers), or nullopt when there is nothing to assign; a cancelled or
// started show's waiting entries expire.
std::optional<ShowToAssign> lock_show(Session& s, int64_t show_id) {
  Rows show = s.query(
      "SELECT status, starts_at <= NOW() AS started, currency FROM shows WHERE id = ? FOR UPDATE",
      show_id);
  if (!show->next()) return std::nullopt;
  if (get_string(*show, "status") != "SCHEDULED" || show->getInt("started") == 1) {
    s.exec(
        "UPDATE waitlist_entries SET status = 'EXPIRED' WHERE show_id = ? AND status = 'WAITING'",
        show_id);
    return std::nullopt;
  }
  return ShowToAssign{show_id, get_string(*show, "currency")};
}

std::vector<WaitingEntry> waiting_entries(Session& s, int64_t show_id) {
  Rows rs = s.query(
      "SELECT id, user_id, seats_wanted, together FROM waitlist_entries WHERE show_id = ? "
      "AND status = 'WAITING' ORDER BY id FOR UPDATE",
      show_id);
  std::vector<WaitingEntry> entries;
  while (rs->next()) {
    entries.push_back({rs->getInt64("id"), rs->getInt64("user_id"), rs->getInt("seats_wanted"),
                       rs->getInt("together") == 1});
  }
  return entries;
}

}  // namespace

int64_t assign_show(Context& ctx, int64_t show_id, const std::string& event_id) {
  const bool reserve = ctx.config().waitlist_mode == "reserve";
  // Most freed seats have nobody waiting for them (an on-sale rush releases
  // thousands): answer that from a plain read, without locking the show row
  // that every hold's foreign-key check needs.
  bool anyone_waiting = ctx.db().autocommit([&](Session& s) {
    Rows rs = s.query(
        "SELECT 1 FROM waitlist_entries WHERE show_id = ? AND status = 'WAITING' LIMIT 1", show_id);
    return rs->next();
  });
  // Nothing to do, nothing to remember: a redelivery of this event would just
  // read again (and a commit per freed seat is what an on-sale rush cannot pay).
  if (!anyone_waiting) return 0;
  std::vector<OutboxEvent> events;
  int64_t assigned = ctx.db().transaction([&](Session& s) -> int64_t {
    events.clear();
    // Consumers are idempotent: the marker commits with the work, or neither.
    if (!event_id.empty() &&
        s.exec("INSERT IGNORE INTO processed_events (consumer, event_id) VALUES ('waitlist', ?)",
               event_id) == 0) {
      return 0;
    }
    auto show = lock_show(s, show_id);
    if (!show) return 0;
    std::vector<WaitingEntry> entries = waiting_entries(s, show_id);
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
        Step step = reserve ? reserve_for(s, ctx, *show, e, a.seat_ids, events)
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
  return assigned;
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
      broker.reject(d->tag, !d->redelivered);  // the second failure goes to the dead letters
      return dynamic_cast<const DbUnavailable*>(&e) == nullptr;
    }
  }
  return true;
}

int64_t consume_waitlist(Context& ctx, Broker& broker, Deadline deadline) {
  return drain_queue(ctx, broker, kWaitlistQueue, deadline, handle_waitlist_delivery);
}

int64_t scan_waitlists(Context& ctx, Deadline deadline) {
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
