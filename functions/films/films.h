// POST /v1/films, PATCH|DELETE /v1/films/{id}: an owner's films. A film
// belongs to the owner who created it (an ADMIN may edit or delete any);
// DELETE answers 409 while shows reference it. The public reads
// (GET /v1/films, /v1/films/{id}, /v1/films/{id}/shows) are the catalogue's.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::films {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::films
