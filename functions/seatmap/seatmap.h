// GET /v1/shows/{id}/seats ->
// {show_id,version,currency,show_status,seats:[{seat_id,row,number,grid_row,
// grid_col,type,status,price_cents}]}. The hottest read:
//   - one tiny Redis read of the show's version per request; the rendered map
//     for that version comes from this process's memory, else from Redis,
//     else from MariaDB (and is then cached, gzip-compressed, in both);
//   - If-None-Match -> 304 without a body; gzip to clients that accept it.
// A hold past its expiry shows as FREE: a cached map lives no longer than its
// earliest live hold.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::seatmap {

// The function's routes: main() serves them (and prints them for --routes);
// unit tests call router().dispatch(req, ctx).
const Router& router();

}  // namespace cinema::seatmap
