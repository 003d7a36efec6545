#include "owner-shows.h"

#include <functional>
#include <optional>
#include <string>

#include "cinema/audit.h"
#include "cinema/cache.h"
#include "cinema/catalog_write.h"
#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/ownership.h"
#include "show_rules.h"

namespace cinema::owner_shows {
namespace {

// What the schema refuses, in the client's words.
const ConstraintProblems kConstraints = {
    {Violation::kRowIsReferenced, "",
     conflict("The show is still referenced by bookings; it cannot be deleted")},
};

struct Show {
  int64_t id = 0;
  int64_t hall_id = 0;
  int64_t cinema_id = 0;
  std::string title;
  int64_t starts_at = 0;  // epoch seconds
  int64_t ends_at = 0;
  int64_t base_price_cents = 0;
  std::string currency;
  std::string status;
  int64_t seat_count = 0;
};

// A locking read, like every read that decides something (cinema/ownership.h).
std::optional<Show> load_show(Session& s, int64_t id) {
  Rows rs = s.query(
      "SELECT sh.id, sh.hall_id, h.cinema_id, sh.title, TIMESTAMPDIFF(SECOND, '1970-01-01', "
      "sh.starts_at) AS starts, "
      "TIMESTAMPDIFF(SECOND, '1970-01-01', sh.ends_at) AS ends, sh.base_price_cents, sh.currency, "
      "sh.status "
      "FROM shows sh JOIN halls h ON h.id = sh.hall_id WHERE sh.id = ? LOCK IN SHARE MODE",
      id);
  if (!rs->next()) return std::nullopt;
  Show sh{rs->getInt64("id"),
          rs->getInt64("hall_id"),
          rs->getInt64("cinema_id"),
          get_string(*rs, "title"),
          rs->getInt64("starts"),
          rs->getInt64("ends"),
          rs->getInt64("base_price_cents"),
          get_string(*rs, "currency"),
          get_string(*rs, "status"),
          0};
  // show_seats are written only together with their show, so a plain read is
  // exact here, and it takes no locks that would stall holds.
  Rows count = s.query("SELECT COUNT(*) AS n FROM show_seats WHERE show_id = ?", id);
  if (count->next()) sh.seat_count = count->getInt64("n");
  return sh;
}

std::string to_json(const Show& sh) {
  JsonWriter w;
  w.begin_object()
      .field("id", sh.id)
      .field("hall_id", sh.hall_id)
      .field("cinema_id", sh.cinema_id)
      .field("title", sh.title)
      .field("starts_at", format_rfc3339(sh.starts_at))
      .field("ends_at", format_rfc3339(sh.ends_at))
      .field("base_price_cents", sh.base_price_cents)
      .field("currency", sh.currency)
      .field("status", sh.status)
      .field("seat_count", sh.seat_count)
      .end_object();
  return w.str();
}

std::string show_json(Session& s, int64_t id) {
  auto sh = load_show(s, id);
  return sh ? to_json(*sh) : "null";
}

// Another SCHEDULED show of the hall overlapping [starts_at, ends_at).
std::optional<int64_t> clashing_show(Session& s, int64_t hall_id, int64_t starts_at,
                                     int64_t ends_at, int64_t except_id) {
  Rows rs = s.query(
      "SELECT id FROM shows WHERE hall_id = ? AND status = 'SCHEDULED' AND id <> ? "
      "AND starts_at < ? AND ends_at > ? ORDER BY starts_at LIMIT 1 "
      "LOCK IN SHARE MODE",
      hall_id, except_id, sql_datetime(ends_at), sql_datetime(starts_at));
  if (!rs->next()) return std::nullopt;
  return rs->getInt64("id");
}

Problem clash(int64_t other_id) {
  Problem p = conflict("The hall already has show " + std::to_string(other_id) +
                       " scheduled at an overlapping time");
  p.with_extension("conflicting_show_id", std::to_string(other_id));
  return p;
}

// Locks every show_seats row of the show (so no hold can start meanwhile) and
// counts those that are not FREE.
int64_t lock_taken_seats(Session& s, int64_t show_id) {
  Rows rs = s.query(
      "SELECT COALESCE(SUM(status <> 'FREE'), 0) AS taken FROM show_seats WHERE show_id = ? "
      "FOR UPDATE",
      show_id);
  return rs->next() ? rs->getInt64("taken") : 0;
}

// Seat price = base price x the seat type's percentage (Config price_*_percent), in whole cents.
constexpr const char* kPriceExpr =
    "(? * CASE se.seat_type WHEN 'VIP' THEN ? WHEN 'ACCESSIBLE' THEN ? WHEN 'COMPANION' THEN ? "
    "ELSE 100 END) DIV 100";

// Cached seat maps carry prices; a new version makes them unreachable (and
// no cached map of a deleted show is served).
void bump_seat_map(Context& ctx, int64_t show_id) {
  SeatMapCache(ctx.redis()).bump(show_id);
}

const CatalogKind kShow{Owned::kShow, "show",        "/v1/shows/",
                        show_json,    &kConstraints, bump_seat_map};

Response create(const Request& req, Context& ctx) {
  const Config& cfg = ctx.config();
  auto parse = [&]() -> StatusOr<ShowFields> {
    CINEMA_ASSIGN_OR_RETURN(ShowFields f, read_show_fields(req, Mode::kCreate));
    CINEMA_RETURN_IF_ERROR(check_window(*f.starts_at, *f.ends_at, ctx.clock().now_s()));
    return f;
  };
  return create_owned(
      req, ctx, kShow, parse,
      [&](Session& s, const AuthUser& user, const ShowFields& f) -> StatusOr<int64_t> {
        // Locking the hall's cinema serialises show creation per cinema, so the
        // overlap check below cannot race another insert into this hall.
        CINEMA_RETURN_IF_ERROR(authorize_owner(s, user, Owned::kHall, *f.hall_id, /*lock=*/true));
        if (auto other = clashing_show(s, *f.hall_id, *f.starts_at, *f.ends_at, 0)) {
          return clash(*other);
        }
        Rows active = s.query(
            "SELECT COUNT(*) AS n FROM seats WHERE hall_id = ? AND active = 1 LOCK IN SHARE MODE",
            *f.hall_id);
        if (!active->next() || active->getInt64("n") == 0) {
          return conflict("The hall has no active seats; add or activate seats before scheduling");
        }
        s.exec(
            "INSERT INTO shows (hall_id, title, starts_at, ends_at, base_price_cents, currency) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            *f.hall_id, *f.title, sql_datetime(*f.starts_at), sql_datetime(*f.ends_at),
            *f.base_price_cents, *f.currency);
        int64_t id = s.last_insert_id();
        s.exec(std::string(
                   "INSERT INTO show_seats (show_id, seat_id, price_cents) SELECT ?, se.id, ") +
                   kPriceExpr + " FROM seats se WHERE se.hall_id = ? AND se.active = 1",
               id, *f.base_price_cents, cfg.price_vip_percent, cfg.price_accessible_percent,
               cfg.price_companion_percent, *f.hall_id);
        return id;
      });
}

Response update(const Request& req, Context& ctx) {
  const Config& cfg = ctx.config();
  const int64_t now = ctx.clock().now_s();
  return update_owned(
      req, ctx, kShow,
      [&] { return read_show_fields(req, req.method == "PUT" ? Mode::kReplace : Mode::kPatch); },
      [&](Session& s, int64_t id, const ShowFields& f) -> Status {
        auto show = load_show(s, id);
        if (!show) return not_found("No such show");
        if (show->status == "CANCELLED") return conflict("A cancelled show cannot be edited");
        Show next = *show;
        next.title = f.title.value_or(show->title);
        next.starts_at = f.starts_at.value_or(show->starts_at);
        next.ends_at = f.ends_at.value_or(show->ends_at);
        next.base_price_cents = f.base_price_cents.value_or(show->base_price_cents);
        next.currency = f.currency.value_or(show->currency);
        // Unchanged times are not re-checked, so a running show can still be
        // renamed, and its end moved without its (past) start counting as new.
        if (next.starts_at != show->starts_at || next.ends_at != show->ends_at) {
          int64_t earliest = next.starts_at != show->starts_at ? now : INT64_MIN;
          CINEMA_RETURN_IF_ERROR(check_window(next.starts_at, next.ends_at, earliest));
          if (auto other = clashing_show(s, show->hall_id, next.starts_at, next.ends_at, id)) {
            return clash(*other);
          }
        }
        bool repriced =
            next.base_price_cents != show->base_price_cents || next.currency != show->currency;
        // Held and sold seats carry the price fixed at hold time; recomputing
        // under them would make totals disagree with seat prices.
        if (repriced && lock_taken_seats(s, id) > 0) {
          return conflict(
              "Seats of this show are held or reserved, so its price and currency cannot change");
        }
        s.exec(
            "UPDATE shows SET title = ?, starts_at = ?, ends_at = ?, "
            "base_price_cents = ?, currency = ?, seat_version = seat_version + ? WHERE id = ?",
            next.title, sql_datetime(next.starts_at), sql_datetime(next.ends_at),
            next.base_price_cents, next.currency, repriced ? 1 : 0, id);
        if (repriced) {
          // Prices follow the seats' current types (a type change made after the
          // show was created is picked up here).
          s.exec(std::string("UPDATE show_seats ss JOIN seats se ON se.id = ss.seat_id SET "
                             "ss.price_cents = ") +
                     kPriceExpr + " WHERE ss.show_id = ?",
                 next.base_price_cents, cfg.price_vip_percent, cfg.price_accessible_percent,
                 cfg.price_companion_percent, id);
        }
        return {};
      });
}

Response remove(const Request& req, Context& ctx) {
  return remove_owned(req, ctx, kShow, [](Session& s, int64_t id) -> Status {
    Rows booked =
        s.query("SELECT id FROM reservations WHERE show_id = ? LIMIT 1 LOCK IN SHARE MODE", id);
    if (booked->next()) {
      return conflict(
          "This show has reservations, so it cannot be deleted; cancel it instead with POST "
          "/v1/shows/{id}/cancel, which cancels and refunds them");
    }
    if (lock_taken_seats(s, id) > 0) {
      return conflict(
          "Seats of this show are held or reserved, so it cannot be deleted; try again once "
          "the holds have expired");
    }
    Rows waiting = s.query(
        "SELECT id FROM waitlist_entries WHERE show_id = ? AND status IN ('WAITING','OFFERED') "
        "LIMIT 1 LOCK IN SHARE MODE",
        id);
    if (waiting->next()) {
      return conflict("People are on this show's waiting list, so it cannot be deleted");
    }
    s.exec("DELETE FROM holds WHERE show_id = ?", id);  // released or expired ones only
    s.exec("DELETE FROM waitlist_entries WHERE show_id = ?", id);
    s.exec("DELETE FROM show_seats WHERE show_id = ?", id);
    s.exec("DELETE FROM shows WHERE id = ?", id);
    return {};
  });
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/shows", create},
      {"PUT", "/v1/shows/{id}", update},
      {"PATCH", "/v1/shows/{id}", update},
      {"DELETE", "/v1/shows/{id}", remove},
  };
  return r;
}

}  // namespace cinema::owner_shows
