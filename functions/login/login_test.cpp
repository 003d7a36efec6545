#include "login.h"

#include <gtest/gtest.h>

namespace cinema::login {
namespace {

TEST(Login, ValidatesBeforeAnyLookup) {
  Context ctx(Config::for_tests());
  Request r;
  r.method = "POST";
  r.headers["content-type"] = "application/json";
  r.body = R"({"email":"a@b.de"})";
  Response resp = handle(r, ctx);
  EXPECT_EQ(resp.status, 400);
  EXPECT_NE(resp.body.find("\"password\""), std::string::npos);
  r.body = R"({"email":"a@b.de","password":"x","remember":true})";
  EXPECT_EQ(handle(r, ctx).status, 400);
}

TEST(Login, DatabaseDownIsReportedNotHidden) {
  // With no database the handler throws DbUnavailable, which the serve loop
  // maps to 503; it must never answer 200 or 401.
  Context ctx(Config::for_tests());
  Request r;
  r.method = "POST";
  r.headers["content-type"] = "application/json";
  r.body = R"({"email":"a@b.de","password":"whatever-long"})";
  r.remote_addr = "127.0.0.1";
  EXPECT_THROW(handle(r, ctx), DbUnavailable);
}

}  // namespace
}  // namespace cinema::login
