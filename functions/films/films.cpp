#include "films.h"

#include <optional>
#include <string>

#include "cinema/catalog_write.h"
#include "cinema/json.h"
#include "cinema/ownership.h"
#include "film_rules.h"

namespace cinema::films {
namespace {

// What the schema refuses, in the client's words.
const ConstraintProblems kConstraints = {
    {Violation::kDuplicateKey, "uq_films_owner_title",
     conflict("You already have a film of that title")},
    {Violation::kRowIsReferenced, "",
     conflict("Shows still screen this film; delete or move them first")},
};

// A locking read, like every read that decides something (cinema/ownership.h).
std::string film_json(Session& s, int64_t id) {
  Rows rs = s.query(
      "SELECT id, owner_id, title, duration_min, rating, description, poster_url, created_at "
      "FROM films WHERE id = ? LOCK IN SHARE MODE",
      id);
  if (!rs->next()) return "null";
  auto optional_text = [&](const char* col) -> std::optional<std::string> {
    if (rs->isNull(col)) return std::nullopt;
    return get_string(*rs, col);
  };
  JsonWriter w;
  w.begin_object()
      .field("id", rs->getInt64("id"))
      .field("owner_id", rs->getInt64("owner_id"))
      .field("title", get_string(*rs, "title"))
      .field("duration_min", rs->getInt64("duration_min"))
      .field("rating", optional_text("rating"))
      .field("description", optional_text("description"))
      .field("poster_url", optional_text("poster_url"))
      .field("created_at", sql_time_to_rfc3339(get_string(*rs, "created_at")))
      .end_object();
  return w.str();
}

const CatalogKind kFilm{Owned::kFilm, "film", "/v1/films/", film_json, &kConstraints};

Session::Param text_param(const std::optional<std::string>& v) {
  if (v) return *v;
  return nullptr;
}

// The caller becomes the owner, also when an ADMIN creates the film.
Response create(const Request& req, Context& ctx) {
  return create_owned(
      req, ctx, kFilm, [&] { return read_film_fields(req, Mode::kCreate); },
      [&](Session& s, const AuthUser& user, const FilmFields& f) -> StatusOr<int64_t> {
        s.exec_list(
            "INSERT INTO films (owner_id, title, duration_min, rating, description, poster_url) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            {user.id, *f.title, *f.duration_min, text_param(f.rating.value),
             text_param(f.description.value), text_param(f.poster_url.value)});
        return s.last_insert_id();
      });
}

Response update(const Request& req, Context& ctx) {
  return update_owned(
      req, ctx, kFilm, [&] { return read_film_fields(req, Mode::kPatch); },
      [&](Session& s, int64_t id, const FilmFields& f) -> Status {
        std::string set = "updated_at = NOW(3)";
        std::vector<Session::Param> params;
        if (f.title) {
          set += ", title = ?";
          params.emplace_back(*f.title);
        }
        if (f.duration_min) {
          set += ", duration_min = ?";
          params.emplace_back(*f.duration_min);
        }
        for (auto [col, field] :
             {std::pair{"rating", &f.rating}, std::pair{"description", &f.description},
              std::pair{"poster_url", &f.poster_url}}) {
          if (!field->given) continue;
          set += std::string(", ") + col + " = ?";
          params.push_back(text_param(field->value));
        }
        params.emplace_back(id);
        s.exec_list("UPDATE films SET " + set + " WHERE id = ?", params);
        return {};
      });
}

Response remove(const Request& req, Context& ctx) {
  return remove_owned(req, ctx, kFilm, [](Session& s, int64_t id) -> Status {
    Rows shows = s.query("SELECT id FROM shows WHERE film_id = ? LIMIT 1 LOCK IN SHARE MODE", id);
    if (shows->next()) {
      Problem p = conflict("Shows still screen this film; delete or move them first");
      p.with_extension("show_id", std::to_string(shows->getInt64("id")));
      return p;
    }
    s.exec("DELETE FROM films WHERE id = ?", id);
    return {};
  });
}

}  // namespace

const Router& router() {
  static const Router r{
      {"POST", "/v1/films", create},
      {"PATCH", "/v1/films/{id}", update},
      {"DELETE", "/v1/films/{id}", remove},
  };
  return r;
}

}  // namespace cinema::films
