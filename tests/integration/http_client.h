// A small libcurl client for the integration tests: drives the real stack
// through nginx (CINEMA_BASE_URL), plus helpers to create users and sessions.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace itest {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;  // 0 when the transfer itself failed (see `error`)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // libcurl's message when status == 0

  // Header value or "" when absent; `name` in any case.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
  // Media type without parameters, lower-case ("application/problem+json").
  std::string media_type() const;
  // The body parsed as JSON (check HasParseError()/IsObject() before use).
  rapidjson::Document json() const;
  // One-line description for assertion messages.
  std::string describe() const;
};

// CINEMA_BASE_URL without a trailing slash (default http://127.0.0.1:18080).
std::string base_url();

// While alive, this thread's requests leave from `address` (another loopback
// address, e.g. "127.0.0.23"), so per-client-address limits see a new client.
class SourceAddress {
 public:
  explicit SourceAddress(std::string address);
  ~SourceAddress();
  SourceAddress(const SourceAddress&) = delete;
  SourceAddress& operator=(const SourceAddress&) = delete;

 private:
  std::string previous_;
};
// A loopback address no other test of this run uses ("127.0.<n>.<m>").
std::string fresh_loopback_address();

// Raw request. A non-empty body without an explicit Content-Type header is
// sent as application/json. `path` starts with '/'.
HttpResponse request(const std::string& method, const std::string& path,
                     const std::string& body = "", const Headers& headers = {});
HttpResponse get(const std::string& path, const Headers& headers = {});
HttpResponse post(const std::string& path, const std::string& body = "",
                  const Headers& headers = {});
HttpResponse put(const std::string& path, const std::string& body = "",
                 const Headers& headers = {});
HttpResponse patch(const std::string& path, const std::string& body = "",
                   const Headers& headers = {});
HttpResponse del(const std::string& path, const std::string& body = "",
                 const Headers& headers = {});

// {"Authorization", "Bearer <token>"}
std::pair<std::string, std::string> bearer(const std::string& token);

// A JSON object of string members, properly escaped.
std::string json_object(const std::vector<std::pair<std::string, std::string>>& members);

// Unique per process, call and run: "<prefix>-<pid>-<counter>-<random>@example.com".
std::string unique_email(const std::string& prefix = "it");

struct TestUser {
  int64_t id = 0;
  std::string email;
  std::string password;
};

struct Tokens {
  std::string access_token;
  std::string refresh_token;
};

// Registers a fresh customer; throws std::runtime_error (a test failure) when
// the API does not answer 201.
TestUser register_user(const std::string& prefix = "it",
                       const std::string& password = "correct horse battery");
// Logs in; throws std::runtime_error unless the API answers 200 with both tokens.
Tokens login(const std::string& email, const std::string& password);
Tokens login(const TestUser& user);

// Runs `$CINEMA_STACK_CTL <args>` (e.g. "svc-stop mariadb"); returns the exit code.
int stack_ctl(const std::string& args);
bool stack_ctl_available();
// Runs `$CINEMA_STACK_CTL <args>` and returns its stdout; `rc` gets the exit code.
std::string stack_ctl_output(const std::string& args, int* rc = nullptr);

// Success when the response is an RFC 9457 problem with this status:
// Content-Type application/problem+json, a JSON object with string type and
// title and an integer status equal to the HTTP status.
::testing::AssertionResult IsProblem(const HttpResponse& r, int status);

// A string member of the JSON object body, or "" when absent / not a string.
std::string json_string(const HttpResponse& r, const char* member);

// The `field` values of a validation problem's errors[].
std::vector<std::string> error_fields(const HttpResponse& r);

}  // namespace itest
