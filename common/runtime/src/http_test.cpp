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
                                {"HTTP_X_REQUEST_ID", "client-1"},
                                {"CINEMA_REQUEST_ID", "0123abcd"},
                                {"REMOTE_ADDR", "10.0.0.1"}},
                               "{}");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/v1/shows/5/hold");
  EXPECT_EQ(r.query.at("a"), "1");  // first wins
  EXPECT_EQ(r.query.at("b"), "hello world");
  EXPECT_EQ(r.query.at("c"), "/x");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("authorization"), "Bearer t");
  EXPECT_EQ(r.request_id, "0123abcd");  // ours, from nginx; never the client's
  EXPECT_EQ(r.client_request_id, "client-1");
  EXPECT_EQ(r.remote_addr, "10.0.0.1");
  EXPECT_EQ(r.body, "{}");
}

TEST(Request, ClientRequestIdIsKeptOnlyWhenHarmless) {
  EXPECT_EQ(request_from_cgi({{"HTTP_X_REQUEST_ID", "a b"}}, "").client_request_id, "");
  EXPECT_EQ(request_from_cgi({{"HTTP_X_REQUEST_ID", std::string(65, 'a')}}, "").client_request_id,
            "");
  EXPECT_EQ(request_from_cgi({{"HTTP_X_REQUEST_ID", "x"}}, "").request_id, "");
}

TEST(Request, TextChecksRefuseBadBytes) {
  Request ok;
  ok.path = "/v1/search/shows";
  ok.query["q"] = "caf\xc3\xa9";
  ok.headers["idempotency-key"] = "3f2c-k1";
  EXPECT_TRUE(check_request_text(ok).ok());
  auto refused = [&](auto mutate) {
    Request r = ok;
    mutate(r);
    Status st = check_request_text(r);
    return !st.ok() && st.problem().status == 400;
  };
  EXPECT_TRUE(refused([](Request& r) { r.query["q"] = "\xff"; }));
  EXPECT_TRUE(refused([](Request& r) { r.query["q"] = "a\x01"; }));
  EXPECT_TRUE(refused([](Request& r) { r.query["\xc3\x28"] = "1"; }));
  EXPECT_TRUE(refused([](Request& r) { r.path = "/v1/\xed\xa0\x80"; }));
  EXPECT_TRUE(refused([](Request& r) { r.headers["authorization"] = "Bearer \xc0\xaf"; }));
  EXPECT_TRUE(refused([](Request& r) { r.headers["idempotency-key"] = "k\xff"; }));
  EXPECT_TRUE(refused([](Request& r) { r.headers["idempotency-key"] = "with space"; }));
  EXPECT_TRUE(refused([](Request& r) { r.headers["idempotency-key"] = std::string(129, 'k'); }));
  EXPECT_TRUE(refused([](Request& r) { r.headers["idempotency-key"] = ""; }));
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
  router.on("GET", "/v1/cinemas/{id}",
            [](const Request& r, Context&) { return Response::json(200, r.params.at("id")); });
  router.on("DELETE", "/v1/cinemas/{id}",
            [](const Request&, Context&) { return Response::no_content(); });
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
