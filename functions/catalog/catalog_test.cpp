#include "catalog.h"

#include <gtest/gtest.h>

#include "queries.h"

namespace cinema::catalog {
namespace {

Request get(std::string path, std::map<std::string, std::string> query = {}) {
  Request r;
  r.method = "GET";
  r.path = std::move(path);
  r.query = std::move(query);
  return r;
}

// Everything here is refused before any database access.
TEST(Catalog, RejectsBadQueryParameters) {
  Context ctx(Config::for_tests());
  EXPECT_EQ(router().dispatch(get("/v1/cinemas", {{"limit", "0"}}), ctx).status, 400);
  EXPECT_EQ(router().dispatch(get("/v1/cinemas", {{"limit", "abc"}}), ctx).status, 400);
  EXPECT_EQ(router().dispatch(get("/v1/cinemas", {{"cursor", "garbage!"}}), ctx).status, 400);
  EXPECT_EQ(router().dispatch(get("/v1/shows", {{"from", "tomorrow"}}), ctx).status, 400);
  EXPECT_EQ(router()
                .dispatch(get("/v1/shows",
                              {{"from", "2026-12-02T00:00:00Z"}, {"to", "2026-12-01T00:00:00Z"}}),
                          ctx)
                .status,
            400);
  EXPECT_EQ(router().dispatch(get("/v1/shows", {{"cinema_id", "x"}}), ctx).status, 400);
  EXPECT_EQ(router().dispatch(get("/v1/halls/1/seats", {{"active", "maybe"}}), ctx).status, 400);
  EXPECT_EQ(router().dispatch(get("/v1/search/shows", {{"q", std::string(101, 'a')}}), ctx).status,
            400);
}

TEST(Catalog, UnknownIdsAndMethods) {
  Context ctx(Config::for_tests());
  EXPECT_EQ(router().dispatch(get("/v1/cinemas/abc"), ctx).status, 404);
  EXPECT_EQ(router().dispatch(get("/v1/shows/0"), ctx).status, 404);
  EXPECT_EQ(router().dispatch(get("/v1/nothing"), ctx).status, 404);
  Request post = get("/v1/cinemas");
  post.method = "POST";
  EXPECT_EQ(router().dispatch(post, ctx).status, 405);
}

TEST(Catalog, EscapesLikePatterns) {
  EXPECT_EQ(escape_like("50%_off\\"), "50\\%\\_off\\\\");
}

}  // namespace
}  // namespace cinema::catalog
