#include "waitlist.h"

#include "cinema/audit.h"
#include "cinema/booking.h"
#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/seat_picker.h"
#include "cinema/validate.h"

namespace cinema::waitlist {
namespace {

constexpr const char* kEntrySelect =
    "SELECT e.id, e.show_id, e.seats_wanted, e.together, e.status, e.reservation_id, e.hold_id, "
    "e.created_at, e.payment_token IS NOT NULL AS has_token, sh.title, sh.starts_at, "
    "IF(e.status = 'WAITING', (SELECT COUNT(*) FROM waitlist_entries w WHERE w.show_id = "
    "e.show_id AND w.status = 'WAITING' AND w.id <= e.id), NULL) AS position "
    "FROM waitlist_entries e JOIN shows sh ON sh.id = e.show_id ";

void entry_fields(JsonWriter& w, sql::ResultSet& rs) {
  w.field("entry_id", rs.getInt64("id"))
      .field("show_id", rs.getInt64("show_id"))
      .field("title", get_string(rs, "title"))
      .field("starts_at", sql_time_to_rfc3339(get_string(rs, "starts_at")))
      .field("seats", rs.getInt64("seats_wanted"))
      .field("together", rs.getInt("together") == 1)
      .field("status", get_string(rs, "status"))
      .field("position", opt_int64(rs, "position"))
      .field("reservation_id", opt_int64(rs, "reservation_id"))
      .field("hold_id", opt_int64(rs, "hold_id"))
      // The token itself is never returned.
      .field("has_payment_token", rs.getInt("has_token") == 1)
      .field("joined_at", sql_time_to_rfc3339(get_string(rs, "created_at")));
}

// Can the show's free seats satisfy this request right now?
bool satisfiable_now(Session& s, int64_t show_id, int seats, bool together) {
  PickRequest pick;
  pick.count = seats;
  pick.together = together;
  std::vector<SeatCell> cells = load_seat_cells(s, show_id, pick);
  return !pick_best_seats(cells, pick).empty();
}

// Joins and leaves share one bucket per user: each writes rows and an audit
// entry, so cycling them must not be free.
Status check_waitlist_rate(Context& ctx, int64_t user_id) {
  const auto& rate = ctx.config().rate;
  BucketSpec spec{static_cast<double>(rate.waitlist_burst), rate.waitlist_refill_per_minute / 60.0};
  return check_rate(ctx.limiter(), "rl:waitlist:" + std::to_string(user_id), spec);
}

Response join(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const Caller c, caller_on(req, ctx, {"CUSTOMER"}));
  const int64_t show_id = c.id;
  const AuthUser& user = c.user;
  auto body = read_json(req, {"seats", "together", "payment_token"});
  CINEMA_RETURN_IF_ERROR(body);
  auto seats = body->integer("seats", true, 1, 10);
  bool together = body->boolean("together", false).value_or(true);
  // Opaque to us (the provider's); charged when seats are assigned in reserve mode.
  auto token = read_text(*body, "payment_token", false, 1, 200);
  CINEMA_RETURN_IF_ERROR(body->finish());
  CINEMA_RETURN_IF_ERROR(check_waitlist_rate(ctx, user.id));
  const int64_t cap = ctx.config().max_waitlist_entries;
  static const ConstraintProblems kConstraints = {
      {Violation::kDuplicateKey, "", conflict("You are already on the waiting list of this show")},
  };
  auto result = with_constraints(kConstraints, [&] {
    return ctx.db().transaction([&](Session& s) -> StatusOr<std::string> {
      auto show = load_bookable_show(s, show_id);
      CINEMA_RETURN_IF_ERROR(show);
      if (satisfiable_now(s, show_id, static_cast<int>(*seats), together)) {
        return conflict("Enough seats are free: book them directly instead of waiting");
      }
      // The user's row lock serialises their joins, so the cap holds under races.
      s.query("SELECT id FROM users WHERE id = ? FOR UPDATE", user.id);
      Rows open = s.query(
          "SELECT COUNT(*) AS n FROM waitlist_entries FORCE INDEX (ix_waitlist_user_active) "
          "WHERE user_id = ? AND active_key = 1",
          user.id);
      if (open->next() && open->getInt64("n") >= cap) {
        Problem p = conflict("You may wait for at most " + std::to_string(cap) +
                             " shows at once; leave a waiting list first");
        p.type = "/problems/waitlist-cap";
        p.title = "Waiting-list cap reached";
        p.with_extension("max_waitlist_entries", std::to_string(cap));
        return p;
      }
      s.exec(
          "INSERT INTO waitlist_entries (show_id, user_id, seats_wanted, together, "
          "payment_token) VALUES (?, ?, ?, ?, ?)",
          show_id, user.id, *seats, together, token);
      int64_t id = s.last_insert_id();
      Rows rs = s.query(std::string(kEntrySelect) + "WHERE e.id = ?", id);
      rs->next();
      JsonWriter w;
      w.begin_object();
      entry_fields(w, *rs);
      w.end_object();
      write_audit(
          s, ctx,
          {user.id, user.role, "waitlist.join", "waitlist_entry", id, std::nullopt, w.str()});
      return w.str();
    });
  });
  CINEMA_RETURN_IF_ERROR(result);
  return Response::json(201, *result);
}

Response leave(const Request& req, Context& ctx) {
  CINEMA_ASSIGN_OR_RETURN(const Caller c, caller_on(req, ctx));
  const int64_t show_id = c.id;
  const AuthUser& user = c.user;
  CINEMA_RETURN_IF_ERROR(check_waitlist_rate(ctx, user.id));
  Status st = ctx.db().transaction([&](Session& s) -> Status {
    Rows rs = s.query(
        "SELECT id FROM waitlist_entries WHERE show_id = ? AND user_id = ? AND status = "
        "'WAITING' FOR UPDATE",
        show_id, user.id);
    if (!rs->next()) return not_found("You are not waiting for this show");
    int64_t id = rs->getInt64("id");
    s.exec("UPDATE waitlist_entries SET status = 'CANCELLED', payment_token = NULL WHERE id = ?",
           id);
    write_audit(
        s, ctx,
        {user.id, user.role, "waitlist.leave", "waitlist_entry", id, std::nullopt, std::nullopt});
    return Status();
  });
  CINEMA_RETURN_IF_ERROR(st);
  return Response::no_content();
}

Response mine(const Request& req, Context& ctx) {
  auto user = authenticate(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  std::string body = ctx.db().autocommit([&](Session& s) {
    Rows rs = s.query(
        std::string(kEntrySelect) + "WHERE e.user_id = ? ORDER BY e.id DESC LIMIT 100", user->id);
    JsonWriter w;
    w.begin_object().key("items").begin_array();
    while (rs->next()) {
      w.begin_object();
      entry_fields(w, *rs);
      w.end_object();
    }
    w.end_array().end_object();
    return w.str();
  });
  return Response::json(200, body).with_header("Cache-Control", "no-store");
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/shows/{id}/waitlist", join},
      {"DELETE", "/v1/shows/{id}/waitlist", leave},
      {"GET", "/v1/my-waitlist", mine},
  };
  return r;
}

}  // namespace cinema::waitlist
