#include "hold.h"

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

// The whole hold is one round trip (the hold procedure, through the
// booking store's place_hold): its own transaction holds the cap check, the
// replacement of a previous hold, the conditional UPDATE and the outbox
// events (which are also the hold's audit record).
StatusOr<HoldTry> try_place(Context& ctx, const AuthUser& user, int64_t show_id,
                            std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());  // the procedure reports the seats in this order
  HoldAsk ask;
  ask.show_id = show_id;
  ask.user_id = user.id;
  ask.role = user.role;
  ask.seat_ids = std::move(ids);
  ask.ttl_s = ctx.config().hold_ttl_s;
  ask.max_held_seats = ctx.config().max_held_seats;
  ask.held_event_id = uuid_v4();
  ask.released_event_id = uuid_v4();
  ask.request_id = ctx.request_id;
  return place_hold(ctx.bookings(), ask);
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
  HoldTry a;
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
  const HoldPlaced& p = *a.placed;
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
  auto ended = ctx.bookings().transaction(
      [&](BookingTx& tx) { return release_hold(tx, show_id, user.id, *hold_id); });
  CINEMA_RETURN_IF_ERROR(ended);
  if (*ended) after_seat_change(ctx, show_id, {**ended});
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
