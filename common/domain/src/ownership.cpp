#include "cinema/ownership.h"

namespace cinema {

StatusOr<Ownership> find_ownership(Session& s, Owned kind, int64_t id, bool lock) {
  static const char* const kQueries[] = {
      "SELECT c.id AS cinema_id, c.owner_id FROM cinemas c WHERE c.id = ?",
      "SELECT c.id AS cinema_id, c.owner_id FROM halls h JOIN cinemas c ON c.id = h.cinema_id "
      "WHERE h.id = ?",
      "SELECT c.id AS cinema_id, c.owner_id FROM seats se JOIN halls h ON h.id = se.hall_id "
      "JOIN cinemas c ON c.id = h.cinema_id WHERE se.id = ?",
      "SELECT c.id AS cinema_id, c.owner_id FROM shows sh JOIN halls h ON h.id = sh.hall_id "
      "JOIN cinemas c ON c.id = h.cinema_id WHERE sh.id = ?",
      "SELECT 0 AS cinema_id, f.owner_id FROM films f WHERE f.id = ?",
  };
  static const char* const kNames[] = {"cinema", "hall", "seat", "show", "film"};
  const int k = static_cast<int>(kind);
  // A locking read first: a plain SELECT here would fix the transaction's
  // snapshot before the lock is held, hiding rows another writer commits
  // while we wait (e.g. an overlapping show).
  Rows rs = s.query(std::string(kQueries[k]) + (lock ? " FOR UPDATE" : ""), id);
  if (!rs->next()) return not_found(std::string("No such ") + kNames[k]);
  return Ownership{rs->getInt64("cinema_id"), rs->getInt64("owner_id")};
}

StatusOr<Ownership> authorize_owner(Session& s, const AuthUser& user, Owned kind, int64_t id,
                                    bool lock) {
  auto o = find_ownership(s, kind, id, lock);
  CINEMA_RETURN_IF_ERROR(o);
  if (user.role != "ADMIN" && o->owner_id != user.id) {
    return forbidden(kind == Owned::kFilm ? "This film belongs to another owner"
                                          : "This belongs to another owner's cinema");
  }
  return o;
}

StatusOr<AuthUser> require_owner(const Request& req, Context& ctx) {
  auto user = authenticate(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  CINEMA_RETURN_IF_ERROR(require_role(*user, {"OWNER", "ADMIN"}));
  return user;
}

}  // namespace cinema
