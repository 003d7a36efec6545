#include "cinema/http.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cinema/context.h"

namespace cinema {
namespace {

TEST(Request, FromCgiParams) {
  Request r = request_from_cgi({{"REQUEST_METHOD", "POST"},
                                {"DOCUMENT_URI", "/v1/shows/5/hold"},
                                {"REQUEST_URI", "/v1/shows/5/hold?x=1"},
                                {"QUERY_STRING", "a=1&b=hello+world&c=%2Fx&a=2"},
                                {"CONTENT_TYPE", "application/json"},
                                {"CONTENT_LENGTH", "2"},
                                {"HTTP_AUTHORIZATION", "Bearer t"},
                                {"HTTP_X_REQUEST_ID", "rid-1"},
                                {"REMOTE_ADDR", "10.0.0.1"}},
                               "{}");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/v1/shows/5/hold");
  EXPECT_EQ(r.query.at("a"), "1");  // first wins
  EXPECT_EQ(r.query.at("b"), "hello world");
  EXPECT_EQ(r.query.at("c"), "/x");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("authorization"), "Bearer t");
  EXPECT_EQ(r.request_id, "rid-1");
  EXPECT_EQ(r.remote_addr, "10.0.0.1");
  EXPECT_EQ(r.body, "{}");
}

TEST(Request, PathFallsBackToRequestUriThenPathInfo) {
  EXPECT_EQ(request_from_cgi({{"REQUEST_URI", "/v1/a%20b?q=1"}}, "").path, "/v1/a b");
  EXPECT_EQ(request_from_cgi({{"SCRIPT_NAME", "/cgi/me"}, {"PATH_INFO", "/x"}}, "").path,
            "/cgi/me/x");
}

TEST(UrlDecode, KeepsInvalidEscapes) {
  EXPECT_EQ(url_decode("%zz%4", false), "%zz%4");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
  EXPECT_EQ(url_decode("a+b", true), "a b");
}

TEST(Response, ProblemIsRfc9457) {
  Problem p = bad_request("bad", {{"email", "is required"}});
  p.with_extension("unavailable_seat_ids", "[1,2]");
  Response r = Response::problem(p);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["status"].GetInt(), 400);
  EXPECT_STREQ(d["detail"].GetString(), "bad");
  EXPECT_TRUE(d["type"].IsString());
  EXPECT_TRUE(d["title"].IsString());
  EXPECT_STREQ(d["errors"][0]["field"].GetString(), "email");
  EXPECT_EQ(d["unavailable_seat_ids"][1].GetInt(), 2);
}

TEST(Response, RateLimitedCarriesRetryAfter) {
  Response r = Response::problem(too_many_requests(3));
  EXPECT_EQ(r.status, 429);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_EQ(r.headers[0].second, "3");
}

TEST(Response, SerializesCgiStatusLine) {
  Response r = Response::json(201, "{}").with_header("Location", "/x");
  EXPECT_EQ(serialize_response(r),
            "Status: 201 Created\r\nContent-Type: application/json\r\nLocation: /x\r\n"
            "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(serialize_response(Response::no_content()), "Status: 204 No Content\r\n\r\n");
}

TEST(Router, MatchesParamsAndMethods) {
  Context ctx(Config::for_tests());
  Router router;
  router.on("GET", "/v1/cinemas/{id}", [](const Request& r, Context&) {
    return Response::json(200, r.params.at("id"));
  });
  router.on("DELETE", "/v1/cinemas/{id}", [](const Request&, Context&) {
    return Response::no_content();
  });
  Request req;
  req.method = "GET";
  req.path = "/v1/cinemas/42";
  EXPECT_EQ(router.dispatch(req, ctx).body, "42");
  req.method = "POST";
  Response r = router.dispatch(req, ctx);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers[0].second, "GET, DELETE");
  req.path = "/v1/cinemas/42/extra";
  EXPECT_EQ(router.dispatch(req, ctx).status, 404);
}

TEST(PathId, OnlyPositiveIntegers) {
  Request r;
  r.params["id"] = "17";
  EXPECT_EQ(*path_id(r, "id"), 17);
  for (const char* bad : {"0", "-1", "abc", "1e3", "99999999999999999999", ""}) {
    r.params["id"] = bad;
    auto id = path_id(r, "id");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.problem().status, 404);
  }
}

}  // namespace
}  // namespace cinema
