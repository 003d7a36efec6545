// Object-level authorisation for the catalogue: who owns a cinema and what
// hangs below it (halls, seats, shows). ADMIN may act on everything.
#pragma once

#include <cstdint>
#include <string_view>

#include "cinema/auth.h"
#include "cinema/db.h"
#include "cinema/status.h"

namespace cinema {

// kFilm: a film belongs to its owner directly (cinema_id 0).
enum class Owned { kCinema, kHall, kSeat, kShow, kFilm };

struct Ownership {
  int64_t cinema_id = 0;
  int64_t owner_id = 0;
};

// The cinema an object belongs to and that cinema's owner; 404 when the
// object does not exist. With `lock`, the cinema row is locked FOR UPDATE so
// concurrent writes below one cinema serialise.
StatusOr<Ownership> find_ownership(Session& s, Owned kind, int64_t id, bool lock = false);

// 404 when missing, 403 unless `user` owns it or is ADMIN.
//
// Owner writes lock the cinema first, then read what decides the write with
// locking reads (LOCK IN SHARE MODE, FOR UPDATE): sessions run READ COMMITTED
// (cinema/db.h), so each read sees the latest commit, and the lock keeps the
// rows it read from changing until this transaction commits.
StatusOr<Ownership> authorize_owner(Session& s, const AuthUser& user, Owned kind, int64_t id,
                                    bool lock = false);

// Authenticated OWNER or ADMIN (401/403 otherwise).
StatusOr<AuthUser> require_owner(const Request& req, Context& ctx);

}  // namespace cinema
