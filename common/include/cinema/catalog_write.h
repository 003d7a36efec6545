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

struct Written {
  int64_t id = 0;
  std::string json;  // the object as the API returns it ("" after a delete)
};

// fn in one transaction; a violation of one of `constraints` is its problem.
StatusOr<Written> write_catalog(Context& ctx, const std::function<StatusOr<Written>(Session&)>& fn,
                                const ConstraintProblems& constraints);

}  // namespace cinema
