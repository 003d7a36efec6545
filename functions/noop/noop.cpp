#include "noop.h"

namespace cinema::noop {

Response handle(const Request&, Context&) {
  return Response::json(200, "{}");
}

}  // namespace cinema::noop
