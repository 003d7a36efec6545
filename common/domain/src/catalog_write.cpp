#include "cinema/catalog_write.h"

#include "cinema/audit.h"
#include "cinema/cache.h"

namespace cinema {

StatusOr<Written> write_catalog(Context& ctx, const std::function<StatusOr<Written>(Session&)>& fn,
                                const ConstraintProblems& constraints) {
  StatusOr<Written> out = with_constraints(constraints, [&] { return ctx.db().transaction(fn); });
  if (out.ok()) {
    CatalogCache(ctx.redis(), static_cast<int>(ctx.config().catalog_cache_ttl_s)).invalidate();
  }
  return out;
}

namespace {

const char* verb_name(CatalogVerb verb) {
  switch (verb) {
    case CatalogVerb::kCreate:
      return "create";
    case CatalogVerb::kUpdate:
      return "update";
    case CatalogVerb::kDelete:
      return "delete";
  }
  return "write";
}

}  // namespace

Response write_owned(Context& ctx, const AuthUser& user, const CatalogKind& kind, CatalogVerb verb,
                     std::optional<int64_t> id, const CatalogStep& step) {
  auto out = write_catalog(
      ctx,
      [&](Session& s) -> StatusOr<Written> {
        std::optional<std::string> before;
        if (id) {
          CINEMA_RETURN_IF_ERROR(authorize_owner(s, user, kind.owned, *id, /*lock=*/true));
          before = kind.json(s, *id);
        }
        CINEMA_ASSIGN_OR_RETURN(const int64_t target, step(s, user));
        std::optional<std::string> after;
        if (verb != CatalogVerb::kDelete) after = kind.json(s, target);
        write_audit(s, ctx,
                    {user.id, user.role, std::string(kind.entity) + "." + verb_name(verb),
                     kind.entity, target, before, after});
        return Written{target, after.value_or("")};
      },
      *kind.constraints);
  CINEMA_RETURN_IF_ERROR(out);
  if (kind.after_commit != nullptr) kind.after_commit(ctx, out->id);
  switch (verb) {
    case CatalogVerb::kCreate:
      return Response::json(201, out->json)
          .with_header("Location", kind.collection + std::to_string(out->id));
    case CatalogVerb::kUpdate:
      return Response::json(200, out->json);
    case CatalogVerb::kDelete:
      break;
  }
  return Response::no_content();
}

Response remove_owned(const Request& req, Context& ctx, const CatalogKind& kind,
                      const std::function<Status(Session&, int64_t)>& apply) {
  CINEMA_ASSIGN_OR_RETURN(const AuthUser user, require_owner(req, ctx));
  CINEMA_ASSIGN_OR_RETURN(const int64_t id, path_id(req, "id"));
  return write_owned(ctx, user, kind, CatalogVerb::kDelete, id,
                     [&](Session& s, const AuthUser&) -> StatusOr<int64_t> {
                       CINEMA_RETURN_IF_ERROR(apply(s, id));
                       return id;
                     });
}

}  // namespace cinema
