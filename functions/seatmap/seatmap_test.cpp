#include "seatmap.h"

#include <gtest/gtest.h>

namespace cinema::seatmap {
namespace {

TEST(SeatMap, RejectsBadIdsAndMethods) {
  Context ctx(Config::for_tests());
  Request r;
  r.method = "GET";
  r.path = "/v1/shows/abc/seats";
  EXPECT_EQ(router().dispatch(r, ctx).status, 404);
  r.path = "/v1/shows/1/seats";
  r.method = "POST";
  EXPECT_EQ(router().dispatch(r, ctx).status, 405);
}

TEST(SeatMap, DatabaseDownIsAnError) {
  Context ctx(Config::for_tests());
  Request r;
  r.method = "GET";
  r.path = "/v1/shows/1/seats";
  EXPECT_THROW(router().dispatch(r, ctx), DbUnavailable);
}

}  // namespace
}  // namespace cinema::seatmap
