#include "noop.h"

namespace cinema::noop {

Response handle(const Request&, Context&) {
  return Response::json(200, "{}");
}

const Router& router() {
  static const Router r{
      {"GET", "/v1/_noop", handle},
  };
  return r;
}

}  // namespace cinema::noop
