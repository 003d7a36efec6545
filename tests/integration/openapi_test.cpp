// The API's description is served by nginx as static files the build makes
// (openapi/build-site): GET /v1/openapi.json, and the Redoc reference page at
// /docs/ with its script from this site, never from a CDN. (Every answer of
// the whole suite is also validated against the description afterwards:
// tests/contract/validate.mjs.)
#include <gtest/gtest.h>

#include <string>

#include "http_client.h"

namespace itest {
namespace {

TEST(OpenApi, TheDescriptionIsServedAsJson) {
  HttpResponse r = get("/v1/openapi.json");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.media_type(), "application/json");
  auto doc = r.json();
  ASSERT_TRUE(doc.IsObject()) << r.describe();
  ASSERT_TRUE(doc.HasMember("openapi") && doc["openapi"].IsString());
  EXPECT_EQ(std::string(doc["openapi"].GetString()), "3.1.0");
  ASSERT_TRUE(doc.HasMember("paths") && doc["paths"].IsObject());
  EXPECT_TRUE(doc["paths"].HasMember("/v1/shows/{id}/hold"));
  EXPECT_TRUE(doc["paths"].HasMember("/v1/openapi.json"));
  ASSERT_TRUE(doc.HasMember("components") && doc["components"].IsObject());
  EXPECT_TRUE(doc["components"]["schemas"].HasMember("Problem"));
  EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST(OpenApi, TheDescriptionIsReadOnly) {
  HttpResponse r = post("/v1/openapi.json", "{}");
  EXPECT_TRUE(IsProblem(r, 405)) << r.describe();
}

TEST(OpenApi, TheReferencePageLoadsEverythingFromThisSite) {
  HttpResponse page = get("/docs/");
  ASSERT_EQ(page.status, 200) << page.describe();
  EXPECT_EQ(page.media_type(), "text/html");
  EXPECT_NE(page.body.find("spec-url=\"/v1/openapi.json\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("src=\"redoc.standalone.js\""), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("http://"), std::string::npos) << "no other origin: " << page.body;
  EXPECT_EQ(page.body.find("https://"), std::string::npos) << "no other origin: " << page.body;
  const std::string csp = page.header("content-security-policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;

  HttpResponse script = get("/docs/redoc.standalone.js");
  ASSERT_EQ(script.status, 200) << script.describe();
  EXPECT_GT(script.body.size(), 100000u);

  HttpResponse bare = get("/docs");
  EXPECT_EQ(bare.status, 301) << bare.describe();
  EXPECT_NE(bare.header("location").find("/docs/"), std::string::npos) << bare.header("location");
}

}  // namespace
}  // namespace itest
