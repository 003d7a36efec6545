#include "hold.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include "cinema/booking.h"
#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/seat_picker.h"
#include "cinema/seat_state.h"
#include "cinema/validate.h"

namespace cinema::hold {
namespace {

constexpr int kMaxSeats = 10;  // seats one hold may take
constexpr int kBestAvailableAttempts = 4;
// Best available chooses among this many of the best blocks at random, so a
// rush of customers spreads over them instead of racing for one.
constexpr int kBestSpread = 8;

struct HoldRequest {
  std::vector<int64_t> seat_ids;  // chosen seats, or empty for best available
  PickRequest pick;
};

struct Placed {
  int64_t hold_id = 0;
  std::vector<int64_t> seat_ids;
  std::string expires_at;
  int64_t total_cents = 0;
  std::string currency;
  std::vector<OutboxEvent> events;
};

// One attempt that did not fail: the hold placed, or (placed empty) the seats
// it lost to a race, which best available marks taken before picking again.
struct Attempt {
  std::optional<Placed> placed;
  std::vector<int64_t> unavailable;
};

// Best available: the show's seats, read once per request (a plain read: the
// procedure's conditional UPDATE decides). Seats lost to a race are marked
// taken, and the next attempt picks again without reading them again.
struct BestAvailable {
  PickRequest pick;
  std::vector<SeatCell> cells;
};

// The show's layouts stay in this process (cinema/seat_state.h).
SeatLayoutCache& layouts() {
  static SeatLayoutCache cache;
  return cache;
}

// The show's layout stays in this process; a request reads only the seats'
// states, as one compact row.
StatusOr<BestAvailable> load_best(Context& ctx, int64_t show_id, const PickRequest& pick) {
  SeatLayoutCache& cache = layouts();
  return ctx.db().autocommit([&](Session& s) -> StatusOr<BestAvailable> {
    auto show = load_bookable_show(s, show_id);
    CINEMA_RETURN_IF_ERROR(show);
    BestAvailable b{pick, {}};
    if (auto layout = cache.current(s, show_id, show->seat_version)) {
      b.pick.rows = layout->rows;
      b.pick.cols = layout->cols;
      b.cells = std::move(layout->cells);
    }
    return b;
  });
}

// A COMPANION seat only in the same hold as an ACCESSIBLE seat beside it.
// Judged on the layout in memory (read on a miss only, so a hold stays one
// round trip); seats the layout does not know are the procedure's to refuse.
Status check_companions(Context& ctx, int64_t show_id, const std::vector<int64_t>& ids) {
  const SeatLayout* layout = layouts().fresh(show_id, ids);
  if (layout == nullptr) {
    layout = ctx.db().autocommit(
        [&](Session& s) -> const SeatLayout* { return &layouts().reload(s, show_id); });
  }
  std::vector<int64_t> lone = lone_companions(layout->cells, ids);
  if (lone.empty()) return {};
  Problem p = bad_request(
      "A companion seat can only be held together with the accessible seat beside it",
      {{"seat_ids", "companion seats need an adjacent accessible seat in the same hold"}});
  p.type = "/problems/companion-seat-alone";
  p.title = "Companion seat without its accessible seat";
  p.with_extension("companion_seat_ids", id_array(lone));
  return p;
}

StatusOr<std::vector<int64_t>> pick_from(const BestAvailable& b) {
  PickRequest pick = b.pick;
  pick.spread = kBestSpread;
  pick.seed = std::random_device{}();
  std::vector<int64_t> ids = pick_best_seats(b.cells, pick);
  if (ids.empty()) {
    return conflict(b.pick.together ? "No block of " + std::to_string(b.pick.count) +
                                          " adjacent seats is free; try together:false"
                                    : "Not enough free seats");
  }
  return ids;
}

void mark_taken(BestAvailable& b, const std::vector<int64_t>& lost) {
  for (auto& c : b.cells) {
    if (std::find(lost.begin(), lost.end(), c.seat_id) != lost.end()) c.free = false;
  }
}

StatusOr<Attempt> try_place(Context& ctx, const AuthUser& user, int64_t show_id,
                            std::vector<int64_t> ids) {
  Attempt a;
  std::sort(ids.begin(), ids.end());  // the procedure reports the seats in this order
  // The whole hold is one round trip (place_hold_v3, migrations/0009): the
  // procedure's own transaction holds the cap check, the replacement of a
  // previous hold, the conditional UPDATE and the outbox events (which are
  // also the hold's audit record).
  OutboxEvent held{uuid_v4(), "seat.held", ""};
  OutboxEvent released{uuid_v4(), "seat.released", ""};
  std::vector<Session::Param> params{show_id,
                                     user.id,
                                     user.role,
                                     id_array(ids),
                                     int64_t{ctx.config().hold_ttl_s},
                                     held.event_id,
                                     released.event_id,
                                     ctx.request_id,
                                     int64_t{ctx.config().max_held_seats}};
  static const std::string kCall = "CALL place_hold_v3(" + placeholders(9) + ")";
  auto row = ctx.db().self_committing([&](Session& s) { return s.call_list(kCall, params); });
  std::string outcome = row["outcome"].value_or("");
  if (outcome == "NOT_FOUND") {
    return not_found("No such show");
  } else if (outcome == "CANCELLED") {
    return conflict("The show has been cancelled");
  } else if (outcome == "STARTED") {
    return conflict("The show has already started");
  } else if (outcome == "BAD_SEATS") {
    return bad_request("Some seat_ids are not seats of this show",
                       {{"seat_ids", "must be seats of this show"}});
  } else if (outcome == "TOO_MANY_HELD") {
    const int64_t cap = ctx.config().max_held_seats;
    Problem p = conflict("You may hold at most " + std::to_string(cap) +
                         " seats across all shows at once; confirm or release a hold first");
    p.type = "/problems/held-seat-cap";
    p.title = "Held-seat cap reached";
    p.with_extension("max_held_seats", std::to_string(cap))
        .with_extension("held_elsewhere", row["held"].value_or("0"));
    return p;
  } else if (outcome == "UNAVAILABLE") {
    rapidjson::Document d;
    d.Parse(row["unavailable"].value_or("[]").c_str());
    if (d.IsArray()) {
      for (const auto& v : d.GetArray()) {
        if (v.IsInt64()) a.unavailable.push_back(v.GetInt64());
      }
    }
    if (a.unavailable.empty()) a.unavailable = ids;  // freed again meanwhile: still a lost race
  } else if (outcome == "OK") {
    Placed p;
    p.hold_id = std::stoll(*row["hold_id"]);
    p.seat_ids = ids;
    p.total_cents = std::stoll(*row["total_cents"]);
    p.expires_at = *row["expires_at"];
    p.currency = *row["currency"];
    if (row["released_payload"]) {
      released.body = *row["released_payload"];
      p.events.push_back(released);
    }
    held.body = *row["held_payload"];
    p.events.push_back(held);
    a.placed = std::move(p);
  } else {
    throw std::runtime_error("place_hold returned '" + outcome + "'");
  }
  return a;
}

StatusOr<HoldRequest> parse(const Request& req) {
  auto body = read_json(req, {"seat_ids", "count", "together", "accessible"});
  CINEMA_RETURN_IF_ERROR(body);
  HoldRequest hr;
  bool by_ids = body->has("seat_ids");
  bool by_count = body->has("count");
  if (by_ids == by_count) {
    return bad_request("Send either seat_ids or count",
                       {{"seat_ids", "either seat_ids or count is required"}});
  }
  if (by_ids) {
    if (body->has("together") || body->has("accessible")) {
      body->add_error("together", "only applies to count");
    }
    if (auto ids = body->integer_set("seat_ids", true, 1, kMaxSeats, 1, INT64_MAX)) {
      hr.seat_ids = *ids;
    }
  } else {
    hr.pick.count = static_cast<int>(body->integer("count", true, 1, kMaxSeats).value_or(1));
    hr.pick.together = body->boolean("together", false).value_or(true);
    hr.pick.accessible = body->boolean("accessible", false).value_or(false);
  }
  CINEMA_RETURN_IF_ERROR(body->finish());
  return hr;
}

// Two holds of one user on one show racing: the unique active-hold key decides.
const ConstraintProblems kConstraints = {
    {Violation::kDuplicateKey, "", conflict("Another hold of yours on this show is being placed")},
};

Response place(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const Caller c, caller_on(req, ctx, {"CUSTOMER"}));
  const int64_t show_id = c.id;
  const AuthUser& user = c.user;
  auto hr = parse(req);
  CINEMA_RETURN_IF_ERROR(hr);
  BucketSpec spec{static_cast<double>(ctx.config().rate.hold_burst),
                  ctx.config().rate.hold_refill_per_minute / 60.0};
  CINEMA_RETURN_IF_ERROR(check_rate(ctx.limiter(), "rl:hold:" + std::to_string(user.id), spec));
  if (!hr->seat_ids.empty()) {
    CINEMA_RETURN_IF_ERROR(check_companions(ctx, show_id, hr->seat_ids));
  }
  int attempts = hr->seat_ids.empty() ? kBestAvailableAttempts : 1;
  std::optional<BestAvailable> best;
  Attempt a;
  for (int i = 0; i < attempts; ++i) {
    std::vector<int64_t> ids = hr->seat_ids;
    if (ids.empty()) {
      if (!best) {
        auto loaded = load_best(ctx, show_id, hr->pick);
        CINEMA_RETURN_IF_ERROR(loaded);
        best = std::move(*loaded);
      }
      auto picked = pick_from(*best);
      CINEMA_RETURN_IF_ERROR(picked);
      ids = *picked;
    }
    auto attempt =
        with_constraints(kConstraints, [&] { return try_place(ctx, user, show_id, ids); });
    CINEMA_RETURN_IF_ERROR(attempt);
    a = std::move(*attempt);
    if (a.placed) break;
    if (best) mark_taken(*best, a.unavailable);
  }
  if (!a.placed) {
    Problem p = conflict(hr->seat_ids.empty() ? "The seats were taken meanwhile; try again"
                                              : "Some of the seats are not available");
    p.with_extension("unavailable_seat_ids", id_array(a.unavailable));
    return Response::problem(p);
  }
  const Placed& p = *a.placed;
  after_seat_change(ctx, show_id, p.events);
  JsonWriter w;
  w.begin_object()
      .field("hold_id", p.hold_id)
      .field("show_id", show_id)
      .key("seat_ids")
      .raw(id_array(p.seat_ids))
      .field("expires_at", p.expires_at)
      .field("total_cents", p.total_cents)
      .field("currency", p.currency)
      .end_object();
  return Response::json(201, w.str());
}

// Seat ids a hold still has (HELD), locked.
std::vector<int64_t> held_seats(Session& s, int64_t hold_id) {
  Rows rs = s.query(
      "SELECT seat_id FROM show_seats WHERE hold_id = ? AND status = 'HELD' ORDER BY seat_id "
      "FOR UPDATE",
      hold_id);
  std::vector<int64_t> ids;
  while (rs->next()) ids.push_back(rs->getInt64("seat_id"));
  return ids;
}

Response release(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const Caller c, caller_on(req, ctx));
  const int64_t show_id = c.id;
  const AuthUser& user = c.user;
  // No body (clients of seed 000): the caller's hold on this show.
  auto body = read_json_or_empty(req, {"hold_id"});
  CINEMA_RETURN_IF_ERROR(body);
  auto hold_id = body->integer("hold_id", false, 1, INT64_MAX);
  CINEMA_RETURN_IF_ERROR(body->finish());
  if (!hold_id) {
    auto mine =
        ctx.db().autocommit([&](Session& s) { return my_hold_on_show(s, user.id, show_id); });
    CINEMA_RETURN_IF_ERROR(mine);
    hold_id = *mine;
  }
  auto events = ctx.db().transaction([&](Session& s) -> StatusOr<std::vector<OutboxEvent>> {
    Rows h =
        s.query("SELECT status FROM holds WHERE id = ? AND show_id = ? AND user_id = ? FOR UPDATE",
                *hold_id, show_id, user.id);
    if (!h->next()) return not_found("No such hold");
    if (get_string(*h, "status") != "ACTIVE") return std::vector<OutboxEvent>{};  // already gone
    std::vector<int64_t> seats = held_seats(s, *hold_id);
    s.exec("UPDATE holds SET status = 'RELEASED' WHERE id = ?", *hold_id);
    s.exec(
        "UPDATE show_seats SET status = 'FREE', hold_id = NULL, held_until = NULL "
        "WHERE hold_id = ? AND status = 'HELD'",
        *hold_id);
    JsonWriter d;
    d.begin_object().field("show_id", show_id).field("hold_id", *hold_id);
    d.field("user_id", user.id).key("seat_ids").raw(id_array(seats));
    d.field("reason", "released").end_object();
    std::vector<OutboxEvent> out{write_event(s, ctx, "seat.released", "show", show_id, d.str())};
    return out;
  });
  CINEMA_RETURN_IF_ERROR(events);
  if (!events->empty()) after_seat_change(ctx, show_id, *events);
  return Response::no_content();
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/shows/{id}/hold", place},
      {"DELETE", "/v1/shows/{id}/hold", release},
  };
  return r;
}

}  // namespace cinema::hold
