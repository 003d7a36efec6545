#include "owner-cinemas.h"

#include <cctype>
#include <functional>
#include <optional>
#include <string>

#include "cinema/audit.h"
#include "cinema/cache.h"
#include "cinema/catalog_write.h"
#include "cinema/clock.h"
#include "cinema/json.h"
#include "cinema/ownership.h"
#include "cinema/validate.h"

namespace cinema::owner_cinemas {
namespace {

// What the schema refuses, in the client's words.
const ConstraintProblems kConstraints = {
    {Violation::kRowIsReferenced, "",
     conflict("The cinema is still referenced by shows; delete them first")},
};

enum class Mode { kCreate, kReplace, kPatch };

struct CinemaFields {
  std::optional<std::string> name;
  std::optional<std::string> city;
  std::optional<std::string> address;
  std::optional<std::string> timezone;
};

// "UTC", or IANA-style "Area/Location[/More]" ("Europe/Berlin", "Etc/GMT+3").
bool valid_timezone(const std::string& tz) {
  if (tz == "UTC") return true;
  size_t segments = 0;
  size_t start = 0;
  while (start <= tz.size()) {
    size_t end = tz.find('/', start);
    if (end == std::string::npos) end = tz.size();
    if (end == start) return false;
    if (!std::isalpha(static_cast<unsigned char>(tz[start]))) return false;
    for (size_t i = start; i < end; ++i) {
      char c = tz[i];
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+') {
        return false;
      }
    }
    ++segments;
    start = end + 1;
  }
  return segments >= 2 && std::isupper(static_cast<unsigned char>(tz[0]));
}

StatusOr<CinemaFields> read_fields(const Request& req, Mode mode) {
  auto body = read_json(req, {"name", "city", "address", "timezone"});
  CINEMA_RETURN_IF_ERROR(body);
  const auto& root = body->root();
  if (mode == Mode::kPatch && root.MemberCount() == 0) {
    return bad_request("Send at least one of name, city, address, timezone");
  }
  for (auto it = root.MemberBegin(); it != root.MemberEnd(); ++it) {
    if (it->value.IsNull()) body->add_error(it->name.GetString(), "must not be null");
  }
  bool all = mode == Mode::kReplace;
  bool base = mode != Mode::kPatch;
  CinemaFields f;
  f.name = read_text(*body, "name", base, 1, 200);
  f.city = read_text(*body, "city", base, 1, 100);
  f.address = read_text(*body, "address", all, 0, 300);
  f.timezone = body->string("timezone", all, 1, 64);
  if (f.timezone && !valid_timezone(*f.timezone)) {
    body->add_error("timezone", "must be \"UTC\" or an IANA zone name such as \"Europe/Berlin\"");
  }
  CINEMA_RETURN_IF_ERROR(body->finish());
  return f;
}

// A locking read, like every read that decides something (cinema/ownership.h).
std::string cinema_json(Session& s, int64_t id) {
  Rows rs = s.query(
      "SELECT id, owner_id, name, city, address, timezone, created_at FROM cinemas WHERE id = ? "
      "LOCK IN SHARE MODE",
      id);
  if (!rs->next()) return "null";
  JsonWriter w;
  w.begin_object()
      .field("id", rs->getInt64("id"))
      .field("owner_id", rs->getInt64("owner_id"))
      .field("name", get_string(*rs, "name"))
      .field("city", get_string(*rs, "city"))
      .field("address", get_string(*rs, "address"))
      .field("timezone", get_string(*rs, "timezone"))
      .field("created_at", sql_time_to_rfc3339(get_string(*rs, "created_at")))
      .end_object();
  return w.str();
}

const CatalogKind kCinema{Owned::kCinema, "cinema", "/v1/cinemas/", cinema_json, &kConstraints};

// The caller becomes the owner, also when an ADMIN creates the cinema.
Response create(const Request& req, Context& ctx) {
  return create_owned(
      req, ctx, kCinema, [&] { return read_fields(req, Mode::kCreate); },
      [&](Session& s, const AuthUser& user, const CinemaFields& f) -> StatusOr<int64_t> {
        s.exec(
            "INSERT INTO cinemas (owner_id, name, city, address, timezone) VALUES (?, ?, ?, ?, ?)",
            user.id, *f.name, *f.city, f.address.value_or(""), f.timezone.value_or("UTC"));
        return s.last_insert_id();
      });
}

Response update(const Request& req, Context& ctx) {
  return update_owned(
      req, ctx, kCinema,
      [&] { return read_fields(req, req.method == "PUT" ? Mode::kReplace : Mode::kPatch); },
      [&](Session& s, int64_t id, const CinemaFields& f) -> Status {
        s.exec(
            "UPDATE cinemas SET name = COALESCE(?, name), city = COALESCE(?, city), "
            "address = COALESCE(?, address), timezone = COALESCE(?, timezone) WHERE id = ?",
            f.name, f.city, f.address, f.timezone, id);
        return {};
      });
}

// Deleting a cinema removes its halls and seats with it, but never shows:
// shows carry bookings, so a cinema with any show is refused.
Response remove(const Request& req, Context& ctx) {
  return remove_owned(req, ctx, kCinema, [](Session& s, int64_t id) -> Status {
    Rows shows = s.query(
        "SELECT sh.id FROM shows sh JOIN halls h ON h.id = sh.hall_id WHERE h.cinema_id = ? "
        "LIMIT 1 LOCK IN SHARE MODE",
        id);
    if (shows->next()) {
      return conflict(
          "This cinema has shows; delete its shows first (a show with bookings cannot be "
          "deleted)");
    }
    s.exec("DELETE se FROM seats se JOIN halls h ON h.id = se.hall_id WHERE h.cinema_id = ?", id);
    s.exec("DELETE FROM halls WHERE cinema_id = ?", id);
    s.exec("DELETE FROM cinemas WHERE id = ?", id);
    return {};
  });
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/cinemas", create},
      {"PUT", "/v1/cinemas/{id}", update},
      {"PATCH", "/v1/cinemas/{id}", update},
      {"DELETE", "/v1/cinemas/{id}", remove},
  };
  return r;
}

Response handle(const Request& req, Context& ctx) {
  return router().dispatch(req, ctx);
}

}  // namespace cinema::owner_cinemas
