// Request and Response values, independent of FastCGI so handlers are plain
// functions that unit tests call directly.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cinema/status.h"

namespace cinema {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // decoded path without the query string
  std::string query_string;                    // raw
  std::map<std::string, std::string> query;    // decoded; the first of repeated keys wins
  std::map<std::string, std::string> headers;  // lower-case names, e.g. "authorization"
  std::map<std::string, std::string> params;   // path parameters set by the Router
  std::string body;
  std::string remote_addr;
  // Ours: nginx's id for this request (the CINEMA_REQUEST_ID parameter, which
  // no client can set); generated when absent.
  std::string request_id;
  // The client's own X-Request-Id, when it is short and harmless; logged
  // beside ours, never used as ours.
  std::string client_request_id;

  // Header value or "" when absent. `name` must be lower-case.
  std::string header(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The length of the GET body a HEAD answer stands for (its body is dropped).
  size_t head_content_length = 0;

  Response() = default;
  // A handler may return a Problem where it returns a Response (the early
  // return of CINEMA_RETURN_IF_ERROR, cinema/status.h).
  Response(const Problem& p);  // NOLINT: implicit by design

  static Response json(int status, std::string body);
  static Response no_content();
  static Response problem(const Problem& p);
  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

class Context;
using Handler = std::function<Response(const Request&, Context&)>;

// Reason phrase for a status code ("OK", "Not Found", ...).
const char* status_text(int status);

// 400 problem when the path, a query parameter or a header the functions read
// is not valid UTF-8 or carries control characters (they reach the database
// and the logs); also a malformed Idempotency-Key.
Status check_request_text(const Request& req);

// Builds a Request from CGI/FastCGI parameters ("NAME", "value") and the body.
Request request_from_cgi(const std::vector<std::pair<std::string, std::string>>& params,
                         std::string body);

// The CGI response: "Status:" line, headers, blank line, body.
std::string serialize_response(const Response& r);

// Decodes %XX and '+' (in query strings); invalid escapes are kept verbatim.
std::string url_decode(std::string_view in, bool plus_as_space);
std::map<std::string, std::string> parse_query(std::string_view qs);

// Routes (method, "/v1/cinemas/{id}/halls") to handlers; {name} matches one
// non-empty segment and lands in Request::params. Unknown path: 404; known path
// with another method: 405 with Allow.
class Router {
 public:
  struct Entry {
    std::string method;
    std::string pattern;
    Handler handler;
  };
  Router() = default;
  // The table at once: Router r{{"GET", "/v1/x/{id}", get_x}, {"DELETE", ...}};
  Router(std::initializer_list<Entry> entries);

  Router& on(std::string method, std::string pattern, Handler handler);
  Response dispatch(const Request& req, Context& ctx) const;

  // The route table as declared: (method, pattern) in declaration order. A
  // function binary prints it for `--routes`; the nginx and Apache routes and
  // the route consistency checks are generated from it (scripts/routes).
  std::vector<std::pair<std::string, std::string>> table() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// Path parameter `name` as a positive id, or 404 (ids that cannot exist are
// "not found", not "bad request").
StatusOr<int64_t> path_id(const Request& req, std::string_view name);

}  // namespace cinema
