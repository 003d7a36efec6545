// Helpers shared by the catalogue and owner tests (owner_*_test.cpp,
// admin_users_test.cpp, catalog_reads_test.cpp): paths by id, a request to
// make as a value, and a venue's stored state.
#pragma once

#include <cstdint>
#include <string>

#include "fixtures.h"

namespace itest {

// prefix + id + suffix: path("/v1/halls/", 7, "/seats") is "/v1/halls/7/seats".
std::string path(const std::string& prefix, int64_t id, const std::string& suffix = "");

// One request to make: method, path and body.
struct Call {
  std::string method;
  std::string path;
  std::string body;
};
// "METHOD path body", for failure messages.
std::string describe(const Call& c);

// Name, hall and show of the venue as stored (to prove a refused write changed nothing).
std::string venue_state(const Venue& v);

}  // namespace itest
