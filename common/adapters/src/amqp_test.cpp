#include "cinema/amqp.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

TEST(Topology, PersistentOnlyWhereADurableQueueListens) {
  for (const char* key :
       {"seat.released", "booking.confirmed", "booking.cancelled", "waitlist.assigned",
        "waitlist.offered", "waitlist.cancelled", "show.cancelled", "payment.refunded"}) {
    EXPECT_TRUE(routes_to_durable_queue(key)) << key;
  }
  for (const char* key : {"seat.held", "seat.releasedx", "booking", "booking.", "booking.a.b",
                          "bench.synthetic", "show.updated", "payment.captured"}) {
    EXPECT_FALSE(routes_to_durable_queue(key)) << key;
  }
}

}  // namespace
}  // namespace cinema
