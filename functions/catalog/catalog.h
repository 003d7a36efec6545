// Public browsing (no auth), cached in Redis and validated with ETags:
//   GET /v1/cinemas?city=&limit=&cursor=     GET /v1/cinemas/{id}
//   GET /v1/cinemas/{id}/halls               GET /v1/halls/{id}
//   GET /v1/halls/{id}/shows?from=&to=       GET /v1/halls/{id}/seats/layout
//   GET /v1/halls/{id}/seats?active=         GET /v1/shows?from=&to=&cinema_id=&limit=&cursor=
//   GET /v1/shows/{id}                       GET /v1/search/shows?q=&limit=&cursor=
//   GET /v1/films?q=&limit=&cursor=          GET /v1/films/{id}
//   GET /v1/films/{id}/shows?from=&to=&limit=&cursor=
// Shows carry their film ({id,title,duration_min,rating}, null for a show an
// older release made without one); search matches the show's or its film's title.
// A show's free_seats may lag by the cache TTL; the seat map is the live view.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::catalog {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::catalog
