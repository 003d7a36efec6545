#include "owner-shows.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>

#include "cinema/audit.h"
#include "cinema/cache.h"
#include "cinema/catalog_write.h"
#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/ownership.h"
#include "cinema/show_prices.h"
#include "show_rules.h"

namespace cinema::owner_shows {
namespace {

// What the schema refuses, in the client's words.
const ConstraintProblems kConstraints = {
    {Violation::kRowIsReferenced, "",
     conflict("The show is still referenced by bookings; it cannot be deleted")},
    // Two shows of one owner creating the same film by title at once.
    {Violation::kDuplicateKey, "uq_films_owner_title",
     conflict("The film of this title was created meanwhile; try again")},
};

struct FilmRef {
  int64_t id = 0;
  std::string title;
  int64_t duration_min = 0;
  std::optional<std::string> rating;
};

struct Show {
  int64_t id = 0;
  int64_t hall_id = 0;
  int64_t cinema_id = 0;
  int64_t owner_id = 0;         // the cinema's owner
  std::optional<FilmRef> film;  // NULL film_id: a show an older release created
  std::string title;
  int64_t starts_at = 0;  // epoch seconds
  int64_t ends_at = 0;
  int64_t base_price_cents = 0;
  std::string currency;
  std::string status;
  int64_t seat_count = 0;
  std::string waitlist_mode;
  SeatPrices prices;
};

// A locking read, like every read that decides something (cinema/ownership.h).
std::optional<Show> load_show(Session& s, const Config& cfg, int64_t id) {
  Rows rs = s.query(
      "SELECT sh.id, sh.hall_id, h.cinema_id, c.owner_id, sh.title, "
      "TIMESTAMPDIFF(SECOND, '1970-01-01', sh.starts_at) AS starts, "
      "TIMESTAMPDIFF(SECOND, '1970-01-01', sh.ends_at) AS ends, sh.base_price_cents, sh.currency, "
      "sh.status, sh.waitlist_mode, f.id AS film_id, f.title AS film_title, f.duration_min, "
      "f.rating "
      "FROM shows sh JOIN halls h ON h.id = sh.hall_id JOIN cinemas c ON c.id = h.cinema_id "
      "LEFT JOIN films f ON f.id = sh.film_id WHERE sh.id = ? LOCK IN SHARE MODE",
      id);
  if (!rs->next()) return std::nullopt;
  Show sh;
  sh.id = rs->getInt64("id");
  sh.hall_id = rs->getInt64("hall_id");
  sh.cinema_id = rs->getInt64("cinema_id");
  sh.owner_id = rs->getInt64("owner_id");
  sh.title = get_string(*rs, "title");
  sh.starts_at = rs->getInt64("starts");
  sh.ends_at = rs->getInt64("ends");
  sh.base_price_cents = rs->getInt64("base_price_cents");
  sh.currency = get_string(*rs, "currency");
  sh.status = get_string(*rs, "status");
  sh.waitlist_mode = get_string(*rs, "waitlist_mode");
  if (!rs->isNull("film_id")) {
    FilmRef f{rs->getInt64("film_id"), get_string(*rs, "film_title"), rs->getInt64("duration_min"),
              std::nullopt};
    if (!rs->isNull("rating")) f.rating = get_string(*rs, "rating");
    sh.film = std::move(f);
  }
  sh.prices = load_prices(s, id, sh.base_price_cents, cfg);
  // show_seats are written only together with their show, so a plain read is
  // exact here, and it takes no locks that would stall holds.
  Rows count = s.query("SELECT COUNT(*) AS n FROM show_seats WHERE show_id = ?", id);
  if (count->next()) sh.seat_count = count->getInt64("n");
  return sh;
}

std::string to_json(const Show& sh) {
  JsonWriter w;
  w.begin_object().field("id", sh.id).field("hall_id", sh.hall_id).field("cinema_id", sh.cinema_id);
  if (sh.film) {
    w.field("film_id", sh.film->id)
        .key("film")
        .begin_object()
        .field("id", sh.film->id)
        .field("title", sh.film->title)
        .field("duration_min", sh.film->duration_min)
        .field("rating", sh.film->rating)
        .end_object();
  } else {
    w.null_field("film_id").null_field("film");
  }
  w.field("title", sh.title)
      .field("starts_at", format_rfc3339(sh.starts_at))
      .field("ends_at", format_rfc3339(sh.ends_at))
      .field("base_price_cents", sh.base_price_cents)
      .field("currency", sh.currency)
      .field("status", sh.status)
      .field("seat_count", sh.seat_count)
      .field("waitlist_mode", sh.waitlist_mode)
      .key("prices");
  write_prices(w, sh.prices);
  w.end_object();
  return w.str();
}

// The catalogue's json hook has no Context: the percentages that derive
// prices are process-wide configuration, noted by each handler.
const Config* g_config = nullptr;

std::string show_json(Session& s, int64_t id) {
  static const Config kDefaults{};
  auto sh = load_show(s, g_config != nullptr ? *g_config : kDefaults, id);
  return sh ? to_json(*sh) : "null";
}

// A film given by id: 404 when missing, 403 unless the caller owns it (an
// ADMIN may use any film).
StatusOr<FilmRef> given_film(Session& s, const AuthUser& user, int64_t film_id) {
  CINEMA_RETURN_IF_ERROR(authorize_owner(s, user, Owned::kFilm, film_id));
  Rows rs =
      s.query("SELECT id, title, duration_min FROM films WHERE id = ? LOCK IN SHARE MODE", film_id);
  if (!rs->next()) return not_found("No such film");
  return FilmRef{rs->getInt64("id"), get_string(*rs, "title"), rs->getInt64("duration_min"),
                 std::nullopt};
}

// The owner's film of this title, created (with the show's length as its
// duration, and its audit record) when there is none: clients that send only
// a title keep working, and each (owner, title) stays one film.
int64_t film_by_title(Session& s, Context& ctx, const AuthUser& user, int64_t owner_id,
                      const std::string& title, int64_t show_length_s) {
  Rows rs =
      s.query("SELECT id FROM films WHERE owner_id = ? AND title = ? FOR UPDATE", owner_id, title);
  if (rs->next()) return rs->getInt64("id");
  int64_t minutes = std::clamp<int64_t>(show_length_s / 60, 1, 600);
  s.exec("INSERT INTO films (owner_id, title, duration_min) VALUES (?, ?, ?)", owner_id, title,
         minutes);
  int64_t id = s.last_insert_id();
  JsonWriter w;
  w.begin_object()
      .field("id", id)
      .field("owner_id", owner_id)
      .field("title", title)
      .field("duration_min", minutes)
      .end_object();
  write_audit(s, ctx, {user.id, user.role, "film.create", "film", id, std::nullopt, w.str()});
  return id;
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

// Cached seat maps carry prices; a new version makes them unreachable (and
// no cached map of a deleted show is served).
void bump_seat_map(Context& ctx, int64_t show_id) {
  SeatMapCache(ctx.redis()).bump(show_id);
}

const CatalogKind kShow{Owned::kShow, "show",        "/v1/shows/",
                        show_json,    &kConstraints, bump_seat_map};

Response create(const Request& req, Context& ctx) {
  const Config& cfg = ctx.config();
  g_config = &cfg;
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
        CINEMA_ASSIGN_OR_RETURN(const Ownership hall,
                                authorize_owner(s, user, Owned::kHall, *f.hall_id, /*lock=*/true));
        if (auto other = clashing_show(s, *f.hall_id, *f.starts_at, *f.ends_at, 0)) {
          return clash(*other);
        }
        Rows active = s.query(
            "SELECT COUNT(*) AS n FROM seats WHERE hall_id = ? AND active = 1 LOCK IN SHARE MODE",
            *f.hall_id);
        if (!active->next() || active->getInt64("n") == 0) {
          return conflict("The hall has no active seats; add or activate seats before scheduling");
        }
        int64_t film_id = 0;
        std::string title;
        if (f.film_id) {
          CINEMA_ASSIGN_OR_RETURN(const FilmRef film, given_film(s, user, *f.film_id));
          film_id = film.id;
          title = f.title.value_or(film.title);
        } else {
          title = *f.title;
          film_id = film_by_title(s, ctx, user, hall.owner_id, title, *f.ends_at - *f.starts_at);
        }
        s.exec(
            "INSERT INTO shows (hall_id, film_id, title, starts_at, ends_at, base_price_cents, "
            "currency) VALUES (?, ?, ?, ?, ?, ?, ?)",
            *f.hall_id, film_id, title, sql_datetime(*f.starts_at), sql_datetime(*f.ends_at),
            *f.base_price_cents, *f.currency);
        int64_t id = s.last_insert_id();
        if (f.waitlist_mode) {
          s.exec("UPDATE shows SET waitlist_mode = ? WHERE id = ?", *f.waitlist_mode, id);
        }
        const SeatPrices prices =
            effective_prices(f.prices.value_or(SeatPrices{}), *f.base_price_cents, cfg);
        store_prices(s, id, prices);
        create_show_seats(s, id, *f.hall_id, by_type(prices));
        return id;
      });
}

Response update(const Request& req, Context& ctx) {
  const Config& cfg = ctx.config();
  g_config = &cfg;
  const int64_t now = ctx.clock().now_s();
  // update_owned's steps, with the caller at hand (a film given by id must be theirs).
  CINEMA_ASSIGN_OR_RETURN(const AuthUser user, require_owner(req, ctx));
  CINEMA_ASSIGN_OR_RETURN(const int64_t id, path_id(req, "id"));
  CINEMA_ASSIGN_OR_RETURN(
      const ShowFields f,
      read_show_fields(req, req.method == "PUT" ? Mode::kReplace : Mode::kPatch));
  return write_owned(
      ctx, user, kShow, CatalogVerb::kUpdate, id,
      [&](Session& s, const AuthUser&) -> StatusOr<int64_t> {
        auto show = load_show(s, cfg, id);
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
        // The film: given by id (the title follows it unless one is sent), or
        // named by a new title (the owner's film of that title).
        std::optional<int64_t> film_id;
        if (show->film) film_id = show->film->id;
        if (f.film_id) {
          CINEMA_ASSIGN_OR_RETURN(const FilmRef film, given_film(s, user, *f.film_id));
          film_id = film.id;
          if (!f.title) next.title = film.title;
        } else if ((f.title && *f.title != show->title) || !film_id) {
          film_id = film_by_title(s, ctx, user, show->owner_id, next.title,
                                  next.ends_at - next.starts_at);
        }
        // Held and sold seats carry the price fixed at hold time, and a hold
        // is paid in the show's currency: the currency waits until no seat is
        // taken; prices change for the FREE seats only (see show_prices.h).
        bool new_currency = next.currency != show->currency;
        if (new_currency && lock_taken_seats(s, id) > 0) {
          return conflict("Seats of this show are held or reserved, so its currency cannot change");
        }
        // `prices` replaces the show's per-type prices as a whole; without it
        // the given ones stay and the others follow the base price.
        const SeatPrices prices =
            effective_prices(f.prices.value_or(show->prices), next.base_price_cents, cfg);
        const bool new_prices = prices.cents != show->prices.cents;
        // A PATCH that names prices (or the base price) applies them to every
        // seat FREE now, changed or not: a seat held during an earlier change
        // and freed since still carries its hold's price until then.
        const bool repriced =
            new_prices || new_currency || f.prices.has_value() || f.base_price_cents.has_value();
        s.exec(
            "UPDATE shows SET film_id = ?, title = ?, starts_at = ?, ends_at = ?, "
            "base_price_cents = ?, currency = ?, seat_version = seat_version + ? WHERE id = ?",
            *film_id, next.title, sql_datetime(next.starts_at), sql_datetime(next.ends_at),
            next.base_price_cents, next.currency, repriced ? 1 : 0, id);
        if (f.waitlist_mode) {
          s.exec("UPDATE shows SET waitlist_mode = ? WHERE id = ?", *f.waitlist_mode, id);
        }
        if (!(prices == show->prices)) store_prices(s, id, prices);
        if (repriced) {
          // Prices follow the seats' current types (a type change made after the
          // show was created is picked up here).
          apply_prices(s, id, prices, "ss.status = 'FREE'");
        }
        return id;
      });
}

Response remove(const Request& req, Context& ctx) {
  g_config = &ctx.config();
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
    s.exec("DELETE FROM waitlist_entries WHERE show_id = ?", id);
    delete_show_rows(s, id);
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
