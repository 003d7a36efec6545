#include "cinema/serve.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cinema {
namespace {

Request post(std::string body) {
  Request r;
  r.method = "POST";
  r.path = "/x";
  r.body = std::move(body);
  r.headers["content-length"] = std::to_string(r.body.size());
  return r;
}

TEST(HandleSafely, ExceptionBecomesProblem500) {
  Context ctx(Config::for_tests());
  Response r =
      handle_safely([](const Request&, Context&) -> Response { throw std::runtime_error("boom"); },
                    post("{}"), ctx);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body.find("boom"), std::string::npos);  // no internals leak
  EXPECT_NE(r.body.find("\"request_id\":\"" + ctx.request_id + "\""), std::string::npos) << r.body;
}

TEST(HandleSafely, HeadIsGetWithoutTheBody) {
  Context ctx(Config::for_tests());
  Request r;
  r.method = "HEAD";
  r.path = "/x";
  Response resp = handle_safely(
      [](const Request& req, Context&) {
        return req.method == "GET" ? Response::json(200, "{\"ok\":true}")
                                   : Response::problem(method_not_allowed("GET"));
      },
      r, ctx);
  EXPECT_EQ(resp.status, 200);
  EXPECT_TRUE(resp.body.empty());
  EXPECT_NE(serialize_response(resp).find("Content-Length: 11\r\n"), std::string::npos);
}

TEST(HandleSafely, BadBytesInTheQueryAre400) {
  Context ctx(Config::for_tests());
  Request r;
  r.method = "GET";
  r.path = "/x";
  r.query["q"] = "\xc3\x28";
  bool called = false;
  Response resp = handle_safely(
      [&](const Request&, Context&) {
        called = true;
        return Response::no_content();
      },
      r, ctx);
  EXPECT_EQ(resp.status, 400);
  EXPECT_FALSE(called);
}

TEST(HandleSafely, DatabaseDownBecomes503) {
  Context ctx(Config::for_tests());
  Response r = handle_safely(
      [](const Request&, Context& c) {
        c.db().autocommit([](Session& s) { s.query("SELECT 1"); });
        return Response::json(200, "{}");
      },
      post("{}"), ctx);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.content_type, "application/problem+json");
}

TEST(HandleSafely, BodyOverCapIs413) {
  Config cfg = Config::for_tests();
  cfg.max_body_bytes = 1024;
  Context ctx(cfg);
  bool called = false;
  Response r = handle_safely(
      [&](const Request&, Context&) {
        called = true;
        return Response::json(200, "{}");
      },
      post(std::string(2000, 'x')), ctx);
  EXPECT_EQ(r.status, 413);
  EXPECT_FALSE(called);
}

TEST(HandleSafely, AssignsRequestId) {
  Context ctx(Config::for_tests());
  Request r = post("{}");
  r.request_id = "given-id";
  handle_safely([](const Request&, Context&) { return Response::no_content(); }, r, ctx);
  EXPECT_EQ(ctx.request_id, "given-id");
  r.request_id.clear();
  handle_safely([](const Request&, Context&) { return Response::no_content(); }, r, ctx);
  EXPECT_EQ(ctx.request_id.size(), 32u);
}

}  // namespace
}  // namespace cinema
