#include "cancel.h"

#include "cinema/booking.h"

namespace cinema::cancel {
namespace {

bool own_reservation(const AuthUser& actor, const ReservationRef& r) {
  return r.user_id == actor.id;
}

Response cancel_own(const Request& req, Context& ctx) {
  auto id = path_id(req, "id");
  CINEMA_RETURN_IF_ERROR(id);
  auto user = authenticate(req, ctx);
  CINEMA_RETURN_IF_ERROR(user);
  return cancel_reservation_response(ctx, *user, *id, own_reservation);
}

}  // namespace

const Router& router() {
  static const Router r{
      {"DELETE", "/v1/reservations/{id}", cancel_own},
  };
  return r;
}

Response handle(const Request& req, Context& ctx) {
  return router().dispatch(req, ctx);
}

}  // namespace cinema::cancel
