// GET /v1/health: MariaDB, Redis and RabbitMQ state; 503 when the database is down.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::health {

Response handle(const Request& req, Context& ctx);

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::health
