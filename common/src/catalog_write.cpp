#include "cinema/catalog_write.h"

#include <cppconn/exception.h>

#include "cinema/cache.h"

namespace cinema {

StatusOr<Written> write_catalog(Context& ctx, const std::function<StatusOr<Written>(Session&)>& fn,
                                const DbErrorMapper& on_error) {
  std::optional<StatusOr<Written>> out;
  try {
    out.emplace(ctx.db().transaction(fn));
  } catch (const sql::SQLException& e) {
    if (auto p = on_error(e.getErrorCode(), e.what())) return *p;
    throw;
  }
  if (out->ok()) {
    CatalogCache(ctx.redis(), static_cast<int>(ctx.config().catalog_cache_ttl_s)).invalidate();
  }
  return std::move(*out);
}

}  // namespace cinema
