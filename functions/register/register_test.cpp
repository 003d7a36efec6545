#include "register.h"

#include <gtest/gtest.h>

namespace cinema::registration {
namespace {

Request post(std::string body, std::string type = "application/json") {
  Request r;
  r.method = "POST";
  r.path = "/v1/auth/register";
  r.headers["content-type"] = std::move(type);
  r.body = std::move(body);
  r.remote_addr = "127.0.0.1";
  return r;
}

// Every case here is refused before the database is touched (the test config
// points at nothing, so reaching it would fail with 503).
TEST(Register, RejectsBadInput) {
  Context ctx(Config::for_tests());
  struct Case {
    const char* body;
    int status;
    const char* field;
  } cases[] = {
      {R"({"email":"a@b.de","password":"short"})", 400, "password"},
      {R"({"email":"not-an-email","password":"long-enough"})", 400, "email"},
      {R"({"password":"long-enough"})", 400, "email"},
      {R"({"email":"a@b.de","password":"long-enough","role":"ADMIN"})", 400, "role"},
      {R"({"email":"a@b.de","password":12345678})", 400, "password"},
      {R"({"email":"a@b.de","password":"long-enough","display_name":"a\u0007b"})", 400,
       "display_name"},
      {R"({"email":)", 400, ""},
  };
  for (const auto& c : cases) {
    Response r = handle(post(c.body), ctx);
    EXPECT_EQ(r.status, c.status) << c.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    if (*c.field != '\0') {
      EXPECT_NE(r.body.find(std::string("\"field\":\"") + c.field + "\""), std::string::npos)
          << r.body;
    }
  }
}

TEST(Register, RejectsNonJsonAndWrongMethod) {
  Context ctx(Config::for_tests());
  EXPECT_EQ(handle(post("email=a", "application/x-www-form-urlencoded"), ctx).status, 415);
  Request get = post("");
  get.method = "GET";
  EXPECT_EQ(handle(get, ctx).status, 405);
}

}  // namespace
}  // namespace cinema::registration
