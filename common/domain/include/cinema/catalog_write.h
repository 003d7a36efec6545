// Owner writes to the catalogue (cinemas, halls, seats, shows): one
// transaction, constraint errors turned into 409 problems, the audit record,
// and the catalogue cache invalidated after the commit so the owner sees the
// change at once.
//
// Every owner function is the same skeleton around its own SQL:
//   create_owned  POST          the caller is an OWNER (or ADMIN); `insert`
//                               checks the parent's ownership and returns the
//                               new id; 201 with the object and its Location
//   update_owned  PUT/PATCH {id}  the caller owns the object (locked); `apply`
//                               changes it; 200 with the object
//   remove_owned  DELETE {id}   the caller owns it (locked); `apply` deletes
//                               it; 204
// The request's fields are parsed after authentication (401 before 400).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cinema/auth.h"
#include "cinema/context.h"
#include "cinema/db.h"
#include "cinema/http.h"
#include "cinema/ownership.h"
#include "cinema/status.h"

namespace cinema {

struct Written {
  int64_t id = 0;
  std::string json;  // the object as the API returns it ("" after a delete)
};

// fn in one transaction; a violation of one of `constraints` is its problem.
StatusOr<Written> write_catalog(Context& ctx, const std::function<StatusOr<Written>(Session&)>& fn,
                                const ConstraintProblems& constraints);

// One kind of catalogue object, as every owner write to it sees it.
struct CatalogKind {
  Owned owned;             // the ownership check (cinema/ownership.h)
  const char* entity;      // "cinema": the audit entity, and actions "cinema.create", ...
  const char* collection;  // "/v1/cinemas/": where a new one is (Location)
  std::string (*json)(Session& s, int64_t id);               // the object as the API returns it
  const ConstraintProblems* constraints;                     // what the schema refuses, in words
  void (*after_commit)(Context& ctx, int64_t id) = nullptr;  // e.g. seat-map versions
};

enum class CatalogVerb { kCreate, kUpdate, kDelete };

// The shared part: ownership of `id` (when given) locked, the object before,
// `step` (which returns the object's id), the object after, the audit record,
// the commit, and the answer.
using CatalogStep = std::function<StatusOr<int64_t>(Session&, const AuthUser&)>;
Response write_owned(Context& ctx, const AuthUser& user, const CatalogKind& kind, CatalogVerb verb,
                     std::optional<int64_t> id, const CatalogStep& step);

// parse() -> StatusOr<Fields>; insert(Session&, const AuthUser&, const Fields&) ->
// StatusOr<int64_t>.
template <class Parse, class Insert>
Response create_owned(const Request& req, Context& ctx, const CatalogKind& kind, Parse&& parse,
                      Insert&& insert) {
  CINEMA_ASSIGN_OR_RETURN(const AuthUser user, require_owner(req, ctx));
  CINEMA_ASSIGN_OR_RETURN(const auto fields, parse());
  return write_owned(ctx, user, kind, CatalogVerb::kCreate, std::nullopt,
                     [&](Session& s, const AuthUser& u) { return insert(s, u, fields); });
}

// parse() -> StatusOr<Fields>; apply(Session&, int64_t id, const Fields&) -> Status.
template <class Parse, class Apply>
Response update_owned(const Request& req, Context& ctx, const CatalogKind& kind, Parse&& parse,
                      Apply&& apply) {
  CINEMA_ASSIGN_OR_RETURN(const AuthUser user, require_owner(req, ctx));
  CINEMA_ASSIGN_OR_RETURN(const int64_t id, path_id(req, "id"));
  CINEMA_ASSIGN_OR_RETURN(const auto fields, parse());
  return write_owned(ctx, user, kind, CatalogVerb::kUpdate, id,
                     [&](Session& s, const AuthUser&) -> StatusOr<int64_t> {
                       CINEMA_RETURN_IF_ERROR(apply(s, id, fields));
                       return id;
                     });
}

// apply(Session&, int64_t id) -> Status.
Response remove_owned(const Request& req, Context& ctx, const CatalogKind& kind,
                      const std::function<Status(Session&, int64_t)>& apply);

}  // namespace cinema
