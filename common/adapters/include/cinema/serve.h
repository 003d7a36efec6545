// The function runtime: the FastCGI accept loop (or one CGI request when not
// started by a FastCGI manager), body cap, request logging, and the last net
// that turns any escaped exception into a problem+json answer.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema {

// Runs `handler` for every request until SIGTERM/SIGINT (the request in flight
// is finished first). Returns the process exit code.
int serve(const Handler& handler);

// A function binary's main(): serves `router`. With `--routes` it prints the
// route table instead, one "METHOD /pattern" line per route, and exits; the
// build writes that to build/routes/<function>.routes.
int serve(const Router& router, int argc, char** argv);

// One request through the same safety net as serve(): body-size check,
// exception mapping, logging. Exposed for tests.
Response handle_safely(const Handler& handler, const Request& req, Context& ctx);

}  // namespace cinema
