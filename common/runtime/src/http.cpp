#include "cinema/http.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "cinema/json.h"
#include "cinema/utf8.h"

namespace cinema {

std::string Request::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response::Response(const Problem& p) : Response(problem(p)) {}

Response Response::problem(const Problem& p) {
  JsonWriter w;
  w.begin_object();
  w.field("type", p.type.empty() ? std::string("about:blank") : p.type);
  w.field("title", p.title.empty() ? std::string(status_text(p.status)) : p.title);
  w.field("status", p.status);
  if (!p.detail.empty()) w.field("detail", p.detail);
  if (!p.errors.empty()) {
    w.key("errors").begin_array();
    for (const auto& e : p.errors) {
      w.begin_object().field("field", e.field).field("message", e.message).end_object();
    }
    w.end_array();
  }
  for (const auto& [name, raw] : p.extensions) w.key(name).raw(raw);
  w.end_object();
  Response r;
  r.status = p.status;
  r.content_type = "application/problem+json";
  r.headers = p.headers;
  r.body = w.str();
  return r;
}

const char* status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string url_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view qs) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < qs.size()) {
    size_t amp = qs.find('&', i);
    if (amp == std::string_view::npos) amp = qs.size();
    std::string_view pair = qs.substr(i, amp - i);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = url_decode(pair.substr(0, eq), true);
      std::string value =
          eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1), true);
      out.emplace(std::move(key), std::move(value));  // first occurrence wins
    }
    i = amp + 1;
  }
  return out;
}

Request request_from_cgi(const std::vector<std::pair<std::string, std::string>>& params,
                         std::string body) {
  Request r;
  std::string document_uri, request_uri, script_name, path_info;
  for (const auto& [name, value] : params) {
    if (name == "REQUEST_METHOD") {
      r.method = value;
    } else if (name == "QUERY_STRING") {
      r.query_string = value;
    } else if (name == "DOCUMENT_URI") {
      document_uri = value;
    } else if (name == "REQUEST_URI") {
      request_uri = value;
    } else if (name == "SCRIPT_NAME") {
      script_name = value;
    } else if (name == "PATH_INFO") {
      path_info = value;
    } else if (name == "CINEMA_REQUEST_ID") {
      r.request_id = value;
    } else if (name == "REMOTE_ADDR") {
      r.remote_addr = value;
    } else if (name == "CONTENT_TYPE") {
      r.headers["content-type"] = value;
    } else if (name == "CONTENT_LENGTH") {
      r.headers["content-length"] = value;
    } else if (name.rfind("HTTP_", 0) == 0) {
      std::string h = name.substr(5);
      for (auto& c : h) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
      r.headers[h] = value;
    }
  }
  if (!document_uri.empty()) {
    r.path = document_uri;
  } else if (!request_uri.empty()) {
    r.path = url_decode(request_uri.substr(0, request_uri.find('?')), false);
  } else {
    r.path = script_name + path_info;
  }
  r.query = parse_query(r.query_string);
  std::string client_id = r.header("x-request-id");
  if (!client_id.empty() && client_id.size() <= 64 &&
      client_id.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
          std::string::npos) {
    r.client_request_id = std::move(client_id);
  }
  r.body = std::move(body);
  return r;
}

namespace {

bool clean_text(std::string_view s) {
  if (!is_valid_utf8(s)) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

Status check_request_text(const Request& req) {
  if (!clean_text(req.path)) return bad_request("The path is not valid UTF-8 text");
  for (const auto& [key, value] : req.query) {
    if (!clean_text(key) || !clean_text(value)) {
      return bad_request("A query parameter is not valid UTF-8 text",
                         {{clean_text(key) ? key : std::string("query"),
                           "must be valid UTF-8 without control characters"}});
    }
  }
  // The headers the functions read; any other is never looked at.
  for (const char* name :
       {"authorization", "content-type", "if-none-match", "accept-encoding", "idempotency-key"}) {
    auto it = req.headers.find(name);
    if (it != req.headers.end() && !clean_text(it->second)) {
      return bad_request(std::string("The ") + name + " header is not valid UTF-8 text");
    }
  }
  auto key = req.headers.find("idempotency-key");
  if (key != req.headers.end()) {
    const std::string& k = key->second;
    bool printable = std::all_of(k.begin(), k.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (k.empty() || k.size() > 128 || !printable) {
      return bad_request("Idempotency-Key must be 1..128 printable ASCII characters",
                         {{"Idempotency-Key", "must be 1..128 printable ASCII characters"}});
    }
  }
  return Status();
}

std::string serialize_response(const Response& r) {
  std::string out;
  out.reserve(r.body.size() + 256);
  out += "Status: ";
  out += std::to_string(r.status);
  out += ' ';
  out += status_text(r.status);
  out += "\r\n";
  if (!r.content_type.empty()) {
    out += "Content-Type: ";
    out += r.content_type;
    out += "\r\n";
  }
  for (const auto& [name, value] : r.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!r.body.empty()) {
    // nginx then forwards the body as is instead of chunking it.
    out += "Content-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\n";
  } else if (r.head_content_length > 0) {
    out += "Content-Length: ";
    out += std::to_string(r.head_content_length);
    out += "\r\n";
  }
  out += "\r\n";
  out += r.body;
  return out;
}

Router::Router(std::initializer_list<Entry> entries) {
  for (const auto& e : entries) on(e.method, e.pattern, e.handler);
}

Router& Router::on(std::string method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back(
      Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
  return *this;
}

std::vector<std::pair<std::string, std::string>> Router::table() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.emplace_back(route.method, route.pattern);
  return out;
}

Response Router::dispatch(const Request& req, Context& ctx) const {
  auto segments = split_path(req.path);
  std::string allow;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& pat = route.segments[i];
      if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
        params[pat.substr(1, pat.size() - 2)] = segments[i];
      } else {
        match = pat == segments[i];
      }
    }
    if (!match) continue;
    if (route.method != req.method) {
      if (allow.find(route.method) == std::string::npos) {
        allow += allow.empty() ? route.method : ", " + route.method;
      }
      continue;
    }
    Request routed = req;
    routed.params = std::move(params);
    return route.handler(routed, ctx);
  }
  if (!allow.empty()) return Response::problem(method_not_allowed(allow));
  return Response::problem(not_found("No resource at " + req.path));
}

StatusOr<int64_t> path_id(const Request& req, std::string_view name) {
  auto it = req.params.find(std::string(name));
  if (it == req.params.end() || it->second.empty() || it->second.size() > 18) {
    return not_found("No such " + std::string(name));
  }
  int64_t v = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return not_found("No such " + std::string(name));
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return not_found("No such " + std::string(name));
  return v;
}

}  // namespace cinema
