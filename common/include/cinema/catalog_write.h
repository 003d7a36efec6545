// Owner writes to the catalogue (cinemas, halls, seats, shows): one
// transaction, constraint errors turned into 409 problems, and the catalogue
// cache invalidated after the commit so the owner sees the change at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cinema/context.h"
#include "cinema/db.h"
#include "cinema/status.h"

namespace cinema {

constexpr int kErrRowIsReferenced = 1451;

struct Written {
  int64_t id = 0;
  std::string json;  // the object as the API returns it ("" after a delete)
};

// Maps a MariaDB error (errno, message) raised by the write to a problem, or
// nullopt to let it propagate.
using DbErrorMapper = std::function<std::optional<Problem>(int mysql_errno, const std::string&)>;

StatusOr<Written> write_catalog(Context& ctx, const std::function<StatusOr<Written>(Session&)>& fn,
                                const DbErrorMapper& on_error);

}  // namespace cinema
