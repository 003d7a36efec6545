// The routes nginx serves are the ones the functions declare: the stack
// renders nginx's locations from the functions' route tables (scripts/routes)
// and writes the merged table to <rundir>/nginx/routes.table. Every declared
// route must reach its function through nginx, and every other method on a
// declared path must get nginx's 405 with the path's full Allow list.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "http_client.h"

namespace itest {
namespace {

struct Route {
  std::string method;
  std::string pattern;
  std::string function;
};

std::vector<Route> declared_routes() {
  const char* run_dir = std::getenv("CINEMA_RUN_DIR");
  if (run_dir == nullptr) return {};
  std::ifstream in(std::string(run_dir) + "/nginx/routes.table");
  std::vector<Route> routes;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    Route r;
    if (fields >> r.method >> r.pattern >> r.function) routes.push_back(r);
  }
  return routes;
}

// A concrete path for a pattern: ids that do not exist, so no route changes
// anything (every write needs a body and a token anyway).
std::string concrete(const std::string& pattern) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      size_t end = pattern.find('}', i);
      out += "987654321";
      i = end + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

// The Allow list nginx must send for a path: its declared methods in the
// canonical order, HEAD wherever GET is.
std::string allow_of(const std::set<std::string>& methods) {
  static const std::vector<std::string> kOrder = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
  std::string allow;
  for (const auto& m : kOrder) {
    bool present = methods.count(m) > 0 || (m == "HEAD" && methods.count("GET") > 0);
    if (present) allow += (allow.empty() ? "" : ", ") + m;
  }
  return allow;
}

TEST(Routes, TheStackRoutesWhatTheFunctionsDeclare) {
  auto routes = declared_routes();
  ASSERT_GE(routes.size(), 40u) << "no route table at $CINEMA_RUN_DIR/nginx/routes.table";
  std::set<std::string> functions;
  for (const auto& r : routes) functions.insert(r.function);
  // Every API function of the stack declares routes (the bench's no-op is
  // routed only in the bench profile).
  for (const char* fn : {"health",      "register",      "login",
                         "refresh",     "logout",        "me",
                         "catalog",     "seatmap",       "hold",
                         "confirm",     "reservations",  "cancel",
                         "waitlist",    "owner-cinemas", "owner-halls",
                         "owner-seats", "owner-shows",   "owner-reservations",
                         "admin-users", "films",         "admin-reads",
                         "metrics",     "tickets"}) {
    EXPECT_EQ(functions.count(fn), 1u) << fn << " has no routes in the table";
  }
  EXPECT_EQ(functions.count("noop"), 0u)
      << "the no-op function is routed outside the bench profile";
}

TEST(Routes, EveryDeclaredRouteReachesItsFunction) {
  for (const auto& r : declared_routes()) {
    std::string path = concrete(r.pattern);
    HttpResponse resp = request(r.method, path, r.method == "GET" ? "" : "{}");
    SCOPED_TRACE(r.method + " " + path + " (" + r.function + ")");
    // Not nginx's own answers: its fall-through 404, a 405, or a function
    // that is not running behind the upstream.
    EXPECT_NE(resp.status, 405) << resp.describe();
    EXPECT_NE(json_string(resp, "detail"), "No resource at this path") << resp.describe();
    EXPECT_LT(resp.status, 500) << resp.describe();
    EXPECT_NE(resp.status, 0) << resp.error;
  }
}

TEST(Routes, OtherMethodsGetA405WithThePathsAllowList) {
  std::map<std::string, std::set<std::string>> by_path;
  for (const auto& r : declared_routes()) by_path[r.pattern].insert(r.method);
  ASSERT_FALSE(by_path.empty());
  for (const auto& [pattern, methods] : by_path) {
    const std::string allow = allow_of(methods);
    std::string path = concrete(pattern);
    for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      if (methods.count(m) > 0) continue;
      SCOPED_TRACE(std::string(m) + " " + path);
      HttpResponse resp = request(m, path, std::string(m) == "GET" ? "" : "{}");
      EXPECT_TRUE(IsProblem(resp, 405)) << resp.describe();
      EXPECT_EQ(resp.header("Allow"), allow);
    }
  }
}

}  // namespace
}  // namespace itest
