// GET /v1/shows/{id}/seats -> {show_id,version,currency,seats:[{seat_id,row,number,grid_row,
// grid_col,type,status,price_cents}]}. The hottest read: served from the
// versioned Redis cache, ETag/If-None-Match -> 304. A hold past its expiry
// shows as FREE, and a cached map lives no longer than its earliest hold.
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::seatmap {

Response handle(const Request& req, Context& ctx);

}  // namespace cinema::seatmap
