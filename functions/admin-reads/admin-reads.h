// The read side for admins and owners:
//   GET /v1/admin/audit-logs  the audit trail (events and catalogue changes), ADMIN
//   GET /v1/admin/bookings    reservations with show, cinema, customer, ADMIN
//   GET /v1/owner/bookings    the same over the caller's own cinemas, OWNER (or ADMIN)
//   GET /v1/admin/stats       per-show and per-day figures, ADMIN
//   GET /v1/owner/stats       the same over the caller's own cinemas, OWNER (or ADMIN)
// Every list is newest first (stats: shows by start time) with an opaque
// cursor; filters are validated (cinema/list_query.h).
#pragma once

#include "cinema/context.h"
#include "cinema/http.h"

namespace cinema::admin_reads {

const Router& router();

}  // namespace cinema::admin_reads
