#include "cinema/context.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

// Config::for_tests points the primary at port 1, where nothing listens.
int read_one(Session& s) {
  Rows r = s.query("SELECT 1");
  return r->next() ? 1 : 0;
}

TEST(CatalogueRead, WithoutAReplicaReadsThePrimary) {
  Context ctx(Config::for_tests());
  EXPECT_THROW(ctx.catalogue_read(read_one), DbUnavailable);
  EXPECT_FALSE(ctx.replica_in_use());
}

TEST(CatalogueRead, AnUnreachableReplicaIsNotUsedAndTheReadGoesToThePrimary) {
  Config c = Config::for_tests();
  c.replica.host = "127.0.0.1";
  c.replica.port = 1;
  Context ctx(c);
  // The replica's failure is not the caller's: the read goes on to the
  // primary, whose own failure (unreachable here too) is what it sees.
  EXPECT_THROW(ctx.catalogue_read(read_one), DbUnavailable);
  EXPECT_FALSE(ctx.replica_in_use());
  // Checked again at most once a second: the next read goes straight to the primary.
  EXPECT_THROW(ctx.catalogue_read(read_one), DbUnavailable);
  EXPECT_FALSE(ctx.replica_in_use());
}

}  // namespace
}  // namespace cinema
