#include "cinema/catalog_write.h"

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

}  // namespace cinema
