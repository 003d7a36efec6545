// The waiting list of a sold-out show (CUSTOMER):
//   POST /v1/shows/{id}/waitlist {"seats":N,"together":bool} -> 201 {entry_id,position,...}
//     only for a scheduled future show with fewer free seats than asked
//     (otherwise 409: book directly); one live entry per user and show.
//   DELETE /v1/shows/{id}/waitlist -> 204 (leaves the list; 404 when not on it)
//   GET /v1/my-waitlist -> {items:[{entry_id,show_id,seats,together,status,position,...}]}
// The worker assigns freed seats to entries in order of joining.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::waitlist {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::waitlist
