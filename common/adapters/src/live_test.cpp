#include "cinema/live.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

TEST(LiveMessage, CarriesSeatsButNoUserData) {
  OutboxEvent e{"id", "booking.confirmed",
                R"({"event_id":"id","type":"booking.confirmed","data":{"user_id":42,)"
                R"("seat_ids":[3,4],"total_cents":900}})"};
  std::string m = live_message(7, e);
  EXPECT_EQ(m, R"({"type":"booking.confirmed","show_id":7,"status":"RESERVED","seat_ids":[3,4]})");
  EXPECT_EQ(m.find("user_id"), std::string::npos);
  EXPECT_EQ(live_message(7, {"id", "booking.cancelled", R"({"data":{}})"}), "");
  EXPECT_EQ(live_message(7, {"id", "seat.released", "not json"}), "");
}

TEST(LiveMessage, SaysTheShowIsCancelled) {
  OutboxEvent e{"id", "show.cancelled",
                R"({"event_id":"id","type":"show.cancelled","data":{"show_id":7,)"
                R"("reason":"flood","cancelled_by":5}})"};
  EXPECT_EQ(live_message(7, e),
            R"({"type":"show.cancelled","show_id":7,"status":"CANCELLED","seat_ids":[]})");
}

}  // namespace
}  // namespace cinema
