#include "films.h"

#include <gtest/gtest.h>

#include "cinema/clock.h"
#include "cinema/testing.h"
#include "film_rules.h"

namespace cinema::films {
namespace {

constexpr int64_t kNowMs = 1'800'000'000'000;

Context test_context() {
  return Context(Config::for_tests(), std::make_unique<FakeClock>(kNowMs));
}

using testing::names_field;

Request make(std::string method, std::string path, std::string body, const std::string& role,
             Context& ctx) {
  return testing::json_request(std::move(method), std::move(path), std::move(body), role, ctx);
}

TEST(FilmRules, PosterUrls) {
  for (const char* ok : {"https://img.example.com/p/1.jpg", "http://example.org",
                         "https://cdn.example.com:8443/a?b=c#d"}) {
    EXPECT_TRUE(is_poster_url(ok)) << ok;
  }
  for (const char* bad :
       {"", "ftp://example.com/x.jpg", "javascript:alert(1)", "https://", "https:///x",
        "https://user:pw@example.com/x", "https://exa mple.com/", "https://example.com/\n",
        "data:image/png;base64,AAAA", "HTTPS//example.com", "https://example.com/\"x"}) {
    EXPECT_FALSE(is_poster_url(bad)) << bad;
  }
  EXPECT_FALSE(is_poster_url("https://example.com/" + std::string(kMaxPosterUrlBytes, 'a')));
}

TEST(Films, RequiresAnOwnerToken) {
  Context ctx = test_context();
  const std::string body = R"({"title":"Metropolis","duration_min":153})";
  EXPECT_EQ(router().dispatch(make("POST", "/v1/films", body, "", ctx), ctx).status, 401);
  EXPECT_EQ(router().dispatch(make("POST", "/v1/films", body, "CUSTOMER", ctx), ctx).status, 403);
  EXPECT_EQ(router()
                .dispatch(make("PATCH", "/v1/films/1", R"({"title":"x"})", "CUSTOMER", ctx), ctx)
                .status,
            403);
  EXPECT_EQ(router().dispatch(make("DELETE", "/v1/films/1", "", "CUSTOMER", ctx), ctx).status, 403);
}

TEST(Films, ValidatesTheBody) {
  Context ctx = test_context();
  struct Case {
    const char* method;
    std::string body;
    const char* field;
  } cases[] = {
      {"POST", R"({"duration_min":90})", "title"},
      {"POST", R"({"title":"","duration_min":90})", "title"},
      {"POST", R"({"title":"   ","duration_min":90})", "title"},
      {"POST", R"({"title":")" + std::string(201, 'x') + R"(","duration_min":90})", "title"},
      {"POST", R"({"title":"M"})", "duration_min"},
      {"POST", R"({"title":"M","duration_min":0})", "duration_min"},
      {"POST", R"({"title":"M","duration_min":601})", "duration_min"},
      {"POST", R"({"title":"M","duration_min":90.5})", "duration_min"},
      {"POST", R"({"title":"M","duration_min":"90"})", "duration_min"},
      {"POST", R"j({"title":"M","duration_min":90,"poster_url":"javascript:alert(1)"})j",
       "poster_url"},
      {"POST", R"({"title":"M","duration_min":90,"rating":")" + std::string(17, 'R') + R"("})",
       "rating"},
      {"POST",
       R"({"title":"M","duration_min":90,"description":")" + std::string(4001, 'd') + R"("})",
       "description"},
      {"POST", R"({"title":"M","duration_min":90,"description":"a\u0007b"})", "description"},
      {"POST", R"({"title":"M","duration_min":90,"owner_id":3})", "owner_id"},
      {"PATCH", R"({"title":null})", "title"},
      {"PATCH", R"({"duration_min":null})", "duration_min"},
      {"PATCH", R"({"poster_url":"ftp://x.example/p.jpg"})", "poster_url"},
      {"PATCH", R"({"id":4})", "id"},
  };
  for (const auto& c : cases) {
    std::string path = std::string(c.method) == "POST" ? "/v1/films" : "/v1/films/5";
    Response r = router().dispatch(make(c.method, path, c.body, "OWNER", ctx), ctx);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.body;
    EXPECT_TRUE(names_field(r, c.field)) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(router().dispatch(make("PATCH", "/v1/films/5", "{}", "OWNER", ctx), ctx).status, 400);
}

TEST(Films, ValidRequestsReachTheDatabase) {
  Context ctx = test_context();
  EXPECT_THROW(router().dispatch(make("POST", "/v1/films",
                                      R"({"title":"M","duration_min":90,"rating":"PG-13",)"
                                      R"("description":"Line one.\nLine two.",)"
                                      R"("poster_url":"https://img.example.com/m.jpg"})",
                                      "OWNER", ctx),
                                 ctx),
               DbUnavailable);
  // null clears the optional fields.
  EXPECT_THROW(
      router().dispatch(
          make("PATCH", "/v1/films/3", R"({"rating":null,"poster_url":null})", "ADMIN", ctx), ctx),
      DbUnavailable);
  EXPECT_THROW(router().dispatch(make("DELETE", "/v1/films/3", "", "OWNER", ctx), ctx),
               DbUnavailable);
}

TEST(Films, BadIdsAreNotFoundAndReadsAreNotHere) {
  Context ctx = test_context();
  for (const char* path : {"/v1/films/x", "/v1/films/0", "/v1/films/-1"}) {
    EXPECT_EQ(router().dispatch(make("DELETE", path, "", "OWNER", ctx), ctx).status, 404) << path;
  }
  EXPECT_EQ(router().dispatch(make("GET", "/v1/films/1", "", "OWNER", ctx), ctx).status, 405);
}

}  // namespace
}  // namespace cinema::films
