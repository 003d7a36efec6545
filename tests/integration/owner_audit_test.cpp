// The audit log of the owner API: every create, change and delete of a
// cinema, hall, seat or show writes one row naming the owner; a refused one none.
#include <gtest/gtest.h>

#include "catalog_owner_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

TEST(CatalogOwner, EveryOwnerWriteIsAudited) {
  Actor owner = new_owner("audited");
  int64_t cinema = create_cinema(owner);
  EXPECT_EQ(audit_count("cinema", cinema), 1) << "cinema create";
  ASSERT_EQ(
      patch(path("/v1/cinemas/", cinema), JsonObj().s("city", "Elsewhere").str(), owner.auth())
          .status,
      200);
  EXPECT_EQ(audit_count("cinema", cinema), 2) << "cinema PATCH";
  ASSERT_EQ(put(path("/v1/cinemas/", cinema),
                JsonObj()
                    .s("name", "Put " + unique_token())
                    .s("city", "C")
                    .s("address", "1 Road")
                    .s("timezone", "Europe/Berlin")
                    .str(),
                owner.auth())
                .status,
            200);
  EXPECT_EQ(audit_count("cinema", cinema), 3) << "cinema PUT";

  int64_t hall = create_hall(owner, cinema, 2, 2);
  EXPECT_EQ(audit_count("hall", hall), 1) << "hall create";
  ASSERT_EQ(patch(path("/v1/halls/", hall), JsonObj().i("rows", 3).i("cols", 3).str(), owner.auth())
                .status,
            200);
  EXPECT_EQ(audit_count("hall", hall), 2) << "hall layout PATCH";

  HttpResponse seat = post("/v1/seats",
                           JsonObj()
                               .i("hall_id", hall)
                               .s("row_label", "Q")
                               .i("number", 1)
                               .i("grid_row", 5)
                               .i("grid_col", 5)
                               .str(),
                           owner.auth());
  ASSERT_EQ(seat.status, 201) << seat.describe();
  int64_t seat_id = json_int(seat, "id").value_or(0);
  EXPECT_EQ(audit_count("seat", seat_id), 1) << "seat create";
  ASSERT_EQ(patch(path("/v1/seats/", seat_id), JsonObj().s("seat_type", "VIP").str(), owner.auth())
                .status,
            200);
  EXPECT_EQ(audit_count("seat", seat_id), 2) << "seat PATCH";
  ASSERT_EQ(del(path("/v1/seats/", seat_id), "", owner.auth()).status, 204);
  EXPECT_EQ(audit_count("seat", seat_id), 3) << "seat DELETE";

  int64_t show = create_show(owner, hall, "Audit " + unique_token(), unix_now() + 40 * 86400);
  EXPECT_EQ(audit_count("show", show), 1) << "show create";
  ASSERT_EQ(
      patch(path("/v1/shows/", show), JsonObj().i("base_price_cents", 1234).str(), owner.auth())
          .status,
      200);
  EXPECT_EQ(audit_count("show", show), 2) << "show PATCH";
  ASSERT_EQ(del(path("/v1/shows/", show), "", owner.auth()).status, 204);
  EXPECT_EQ(audit_count("show", show), 3) << "show DELETE";

  ASSERT_EQ(del(path("/v1/halls/", hall), "", owner.auth()).status, 204);
  EXPECT_EQ(audit_count("hall", hall), 3) << "hall DELETE";
  ASSERT_EQ(del(path("/v1/cinemas/", cinema), "", owner.auth()).status, 204);
  EXPECT_EQ(audit_count("cinema", cinema), 4) << "cinema DELETE";

  // Every row names the owner as the actor.
  EXPECT_EQ(
      sql_int(
          "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND "
          "((entity_type = 'cinema' AND entity_id = ?) OR (entity_type = 'hall' AND entity_id = ?) "
          "OR (entity_type = 'seat' AND entity_id = ?) OR (entity_type = 'show' AND entity_id = "
          "?))",
          owner.id(), cinema, hall, seat_id, show),
      13);
  // A refused write leaves no audit row.
  int64_t before = audit_count("cinema", cinema);
  EXPECT_TRUE(IsProblem(
      patch(path("/v1/cinemas/", cinema), JsonObj().s("name", "Gone").str(), owner.auth()), 404));
  EXPECT_EQ(audit_count("cinema", cinema), before);
}

}  // namespace
}  // namespace itest
