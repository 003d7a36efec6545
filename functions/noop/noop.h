// GET /v1/_noop: does nothing; the throughput ceiling every function is compared with.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::noop {

Response handle(const Request& req, Context& ctx);

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::noop
