// The edge (nginx): its own errors as problem+json, even for requests it cannot
// parse; the headers every response carries; who may use live events (origins,
// methods, missing shows, connections per address); HEAD wherever GET goes;
// routes of the bench profile only. Malformed requests go over a raw socket,
// since libcurl will not send them.
#include <gtest/gtest.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fixtures.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// One TCP connection to the stack's nginx (host and port of CINEMA_BASE_URL).
class RawConnection {
 public:
  RawConnection() {
    std::string rest = base_url().substr(base_url().find("://") + 3);
    rest = rest.substr(0, rest.find('/'));
    size_t colon = rest.rfind(':');
    std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
    std::string port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return;
    for (addrinfo* a = res; a != nullptr && fd_ < 0; a = a->ai_next) {
      fd_ = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd_ >= 0 && connect(fd_, a->ai_addr, a->ai_addrlen) != 0) {
        close(fd_);
        fd_ = -1;
      }
    }
    freeaddrinfo(res);
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool send_all(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads the response head and as much of the body as Content-Length says
  // (a stream: whatever came with the head), within `limit`. status 0 when no
  // complete head arrived.
  HttpResponse read_response(std::chrono::milliseconds limit = 5000ms) {
    HttpResponse r;
    std::string data;
    auto deadline = std::chrono::steady_clock::now() + limit;
    size_t head_end = std::string::npos;
    size_t want = std::string::npos;  // total bytes when the length is known
    while (true) {
      if (head_end == std::string::npos &&
          (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        parse_head(data.substr(0, head_end), r);
        if (r.has_header("content-length")) {
          want = head_end + 4 + std::stoul(r.header("content-length"));
        } else {
          want = data.size();  // a stream: stop at the head
        }
      }
      if (want != std::string::npos && data.size() >= want) break;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[16384];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      data.append(buf, static_cast<size_t>(n));
    }
    if (head_end == std::string::npos) {
      r.status = 0;
      r.error = "no complete response head; got: " + data.substr(0, 200);
      return r;
    }
    r.body = data.substr(head_end + 4,
                         want == std::string::npos ? std::string::npos : want - head_end - 4);
    return r;
  }

 private:
  static void parse_head(const std::string& head, HttpResponse& r) {
    size_t eol = head.find("\r\n");
    std::string status_line = head.substr(0, eol);
    size_t sp = status_line.find(' ');
    r.status = sp == std::string::npos ? 0 : std::atoi(status_line.c_str() + sp + 1);
    size_t pos = eol == std::string::npos ? head.size() : eol + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(pos, end - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = lower(line.substr(0, colon));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        auto it = r.headers.find(name);
        if (it == r.headers.end()) {
          r.headers.emplace(name, value);
        } else {
          it->second += ", " + value;
        }
      }
      pos = end + 2;
    }
  }

  int fd_ = -1;
};

// Sends `request` byte for byte on a fresh connection and reads the answer.
HttpResponse raw(const std::string& request) {
  RawConnection c;
  if (!c.connected()) {
    HttpResponse r;
    r.error = "cannot connect to " + base_url();
    return r;
  }
  c.send_all(request);
  return c.read_response();
}

// An nginx-made problem has the shape of the functions' ones: type, title,
// status, detail and the request id that the X-Request-Id header carries.
::testing::AssertionResult IsEdgeProblem(const HttpResponse& r, int status) {
  auto problem = IsProblem(r, status);
  if (!problem) return problem;
  if (json_string(r, "detail").empty()) {
    return ::testing::AssertionFailure() << "problem lacks a detail: " << r.describe();
  }
  std::string id = json_string(r, "request_id");
  if (id.empty() || id != r.header("x-request-id")) {
    return ::testing::AssertionFailure()
           << "request_id '" << id << "' is not the X-Request-Id header '"
           << r.header("x-request-id") << "': " << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult HasSecurityHeaders(const HttpResponse& r) {
  if (r.status == 0) return ::testing::AssertionFailure() << r.describe();
  if (r.header("x-content-type-options") != "nosniff") {
    return ::testing::AssertionFailure() << "no X-Content-Type-Options: nosniff on HTTP "
                                         << r.status << " [" << r.header("content-type") << "]";
  }
  if (r.header("referrer-policy") != "no-referrer") {
    return ::testing::AssertionFailure() << "no Referrer-Policy: no-referrer on HTTP " << r.status
                                         << " [" << r.header("content-type") << "]";
  }
  if (r.header("x-request-id").empty()) {
    return ::testing::AssertionFailure() << "no X-Request-Id on HTTP " << r.status;
  }
  return ::testing::AssertionSuccess();
}

std::string events_path(int64_t show_id) {
  return "/v1/shows/" + std::to_string(show_id) + "/events";
}

std::string host_header() {
  std::string rest = base_url().substr(base_url().find("://") + 3);
  return rest.substr(0, rest.find('/'));
}

// An EventSource subscription request for the show.
std::string subscribe_request(int64_t show_id, const std::string& extra_headers = "") {
  return "GET " + events_path(show_id) + " HTTP/1.1\r\nHost: " + host_header() +
         "\r\nAccept: text/event-stream\r\n" + extra_headers + "\r\n";
}

// The first origin of CINEMA_ALLOWED_ORIGINS, or "" when none is configured.
std::string allowed_origin() {
  std::string list = env_or("CINEMA_ALLOWED_ORIGINS", "");
  std::replace(list.begin(), list.end(), ',', ' ');
  size_t b = list.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return lower(list.substr(b, list.find(' ', b) - b));
}

constexpr int64_t kMissingShow = 987654321;

// --- nginx's own errors ------------------------------------------------------

TEST(Edge, MalformedContentLengthIsProblem400) {
  for (const char* length : {"abc", "-1", "99999999999999999999999"}) {
    SCOPED_TRACE(length);
    HttpResponse r =
        raw("POST /v1/auth/login HTTP/1.1\r\nHost: " + host_header() +
            "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n{}");
    EXPECT_TRUE(IsEdgeProblem(r, 400));
  }
}

TEST(Edge, NulByteInPathIsProblem400) {
  for (const char* path : {"/v1/shows/%00", "/v1/auth/login%00.json", "/index%00.html"}) {
    SCOPED_TRACE(path);
    HttpResponse r =
        raw(std::string("GET ") + path + " HTTP/1.1\r\nHost: " + host_header() + "\r\n\r\n");
    EXPECT_TRUE(IsEdgeProblem(r, 400));
  }
}

TEST(Edge, GarbageRequestLineIsProblem400) {
  EXPECT_TRUE(IsEdgeProblem(raw("\x01\x02 nonsense\r\n\r\n"), 400));
  EXPECT_TRUE(IsEdgeProblem(raw("GET /v1/health HTTP/1.1\r\n\r\n"), 400)) << "no Host";
}

TEST(Edge, TooLongUriIsProblem414) {
  std::string path = "/v1/search/shows?q=" + std::string(9000, 'a');
  HttpResponse r = raw("GET " + path + " HTTP/1.1\r\nHost: " + host_header() + "\r\n\r\n");
  EXPECT_TRUE(IsEdgeProblem(r, 414));
}

TEST(Edge, TooLargeRequestHeaderIsProblem431) {
  HttpResponse r = raw("GET /v1/health HTTP/1.1\r\nHost: " + host_header() +
                       "\r\nX-Padding: " + std::string(9000, 'p') + "\r\n\r\n");
  EXPECT_TRUE(IsEdgeProblem(r, 431));
}

TEST(Edge, UnsupportedProtocolFeaturesAreProblems) {
  EXPECT_TRUE(
      IsEdgeProblem(raw("GET /v1/health HTTP/2.0\r\nHost: " + host_header() + "\r\n\r\n"), 505));
  EXPECT_TRUE(IsEdgeProblem(raw("POST /v1/auth/login HTTP/1.1\r\nHost: " + host_header() +
                                "\r\nTransfer-Encoding: gzip\r\n\r\n"),
                            501));
}

// --- headers on every response ------------------------------------------------

TEST(Edge, SecurityHeadersOnEveryKindOfResponse) {
  EXPECT_TRUE(HasSecurityHeaders(get("/v1/health"))) << "a function's answer";
  EXPECT_TRUE(HasSecurityHeaders(post("/v1/auth/login", "{}"))) << "a function's problem";
  EXPECT_TRUE(HasSecurityHeaders(get("/"))) << "the web page";
  EXPECT_TRUE(HasSecurityHeaders(get("/site.css"))) << "a static file";
  EXPECT_TRUE(HasSecurityHeaders(get("/v1/no/such/route"))) << "nginx's 404";
  EXPECT_TRUE(HasSecurityHeaders(post("/v1/health", "{}"))) << "nginx's 405";
  EXPECT_TRUE(
      HasSecurityHeaders(raw("GET /v1/%00 HTTP/1.1\r\nHost: " + host_header() + "\r\n\r\n")))
      << "nginx's 400";
  EXPECT_TRUE(HasSecurityHeaders(get(events_path(kMissingShow)))) << "live events";
}

TEST(Edge, WebPageForbidsFramingAndForeignContent) {
  HttpResponse page = get("/");
  ASSERT_EQ(page.status, 200) << page.describe();
  std::string csp = page.header("content-security-policy");
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(page.body.find("<style"), std::string::npos) << "inline style breaks the policy";
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "inline script breaks the policy";
}

// --- HEAD wherever GET goes -------------------------------------------------------

TEST(Edge, NginxListsHeadWhereverGetIsAllowed) {
  for (const char* path : {"/v1/cinemas/1/halls", "/v1/shows/1/seats", "/v1/me"}) {
    SCOPED_TRACE(path);
    HttpResponse r = post(path, "{}");
    ASSERT_TRUE(IsEdgeProblem(r, 405));
    EXPECT_NE(r.header("allow").find("HEAD"), std::string::npos) << r.header("allow");
  }
}

TEST(Edge, HeadOnAGetRouteAnswersLikeGetWithoutBody) {
  HttpResponse got = get("/v1/cinemas");
  ASSERT_EQ(got.status, 200) << got.describe();
  HttpResponse head = request("HEAD", "/v1/cinemas");
  EXPECT_EQ(head.status, 200) << head.describe() << " allow: " << head.header("allow");
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.media_type(), got.media_type());
}

// --- live events ----------------------------------------------------------------

TEST(Edge, EventsOfAMissingShowAre404NotASubscription) {
  HttpResponse r = get(events_path(kMissingShow), {{"Accept", "text/event-stream"}});
  EXPECT_TRUE(IsEdgeProblem(r, 404));
  Venue v = make_venue(1, 2);
  RawConnection c;
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send_all(subscribe_request(v.show_id)));
  HttpResponse stream = c.read_response();
  EXPECT_EQ(stream.status, 200) << stream.describe();
  EXPECT_EQ(stream.media_type(), "text/event-stream");
}

TEST(Edge, HeadOnEventsAnswersTheStatusOfAGet) {
  Venue v = make_venue(1, 2);
  HttpResponse exists = request("HEAD", events_path(v.show_id));
  EXPECT_EQ(exists.status, 200) << exists.describe();
  EXPECT_TRUE(exists.body.empty());
  HttpResponse missing = request("HEAD", events_path(kMissingShow));
  EXPECT_EQ(missing.status, 404) << missing.describe();
  EXPECT_EQ(missing.media_type(), "application/problem+json");
}

TEST(Edge, EventsRefuseWritesWith405Problem) {
  Venue v = make_venue(1, 2);
  for (const char* method : {"POST", "DELETE", "PUT", "PATCH"}) {
    SCOPED_TRACE(method);
    HttpResponse r = request(method, events_path(v.show_id), "{}");
    ASSERT_TRUE(IsEdgeProblem(r, 405));
    EXPECT_EQ(r.header("allow"), "GET, HEAD, OPTIONS");
  }
}

TEST(Edge, EventsRefuseForeignOrigins) {
  Venue v = make_venue(1, 2);
  HttpResponse r = get(events_path(v.show_id),
                       {{"Origin", "http://foreign.example"}, {"Accept", "text/event-stream"}});
  EXPECT_TRUE(IsEdgeProblem(r, 403));
  EXPECT_FALSE(r.has_header("access-control-allow-origin"))
      << r.header("access-control-allow-origin");
  HttpResponse preflight =
      request("OPTIONS", events_path(v.show_id), "",
              {{"Origin", "http://foreign.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_TRUE(IsEdgeProblem(preflight, 403));
  EXPECT_FALSE(preflight.has_header("access-control-allow-origin"));
  // A WebSocket is not subject to CORS: the Origin check is what keeps it out.
  HttpResponse ws = raw("GET " + events_path(v.show_id) + " HTTP/1.1\r\nHost: " + host_header() +
                        "\r\nOrigin: http://foreign.example\r\nConnection: Upgrade\r\n"
                        "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  EXPECT_TRUE(IsEdgeProblem(ws, 403));
  EXPECT_EQ(request("OPTIONS", events_path(v.show_id), "", {{"Origin", "null"}}).status, 403);
}

TEST(Edge, EventsAllowTheSiteAndConfiguredOriginsWithoutCredentials) {
  Venue v = make_venue(1, 2);
  const std::string site = "http://" + host_header();
  RawConnection same;
  ASSERT_TRUE(same.connected());
  ASSERT_TRUE(same.send_all(subscribe_request(v.show_id, "Origin: " + site + "\r\n")));
  EXPECT_EQ(same.read_response().status, 200) << "the site itself";

  std::string origin = allowed_origin();
  if (origin.empty()) GTEST_SKIP() << "CINEMA_ALLOWED_ORIGINS is empty";
  HttpResponse preflight = request("OPTIONS", events_path(v.show_id), "",
                                   {{"Origin", origin}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(preflight.status, 200) << preflight.describe();
  EXPECT_EQ(preflight.header("access-control-allow-origin"), origin);
  EXPECT_NE(preflight.header("access-control-allow-methods").find("GET"), std::string::npos);
  EXPECT_NE(preflight.header("access-control-allow-credentials"), "true");
  RawConnection c;
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send_all(subscribe_request(v.show_id, "Origin: " + origin + "\r\n")));
  HttpResponse stream = c.read_response();
  EXPECT_EQ(stream.status, 200) << stream.describe();
  EXPECT_EQ(stream.header("access-control-allow-origin"), origin);
  EXPECT_NE(stream.header("access-control-allow-credentials"), "true");
}

TEST(Edge, LiveConnectionsPerAddressAreBounded) {
  const int limit = std::stoi(env_or("CINEMA_LIVE_CONNECTIONS_PER_ADDRESS", "20"));
  ASSERT_LE(limit, 200) << "too many connections for this test";
  Venue v = make_venue(1, 2);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < limit; ++i) {
    auto c = std::make_unique<RawConnection>();
    ASSERT_TRUE(c->connected());
    ASSERT_TRUE(c->send_all(subscribe_request(v.show_id)));
    HttpResponse r = c->read_response();
    ASSERT_EQ(r.status, 200) << "subscription " << i << ": " << r.describe();
    open.push_back(std::move(c));
  }
  RawConnection extra;
  ASSERT_TRUE(extra.connected());
  ASSERT_TRUE(extra.send_all(subscribe_request(v.show_id)));
  HttpResponse over = extra.read_response();
  EXPECT_TRUE(IsEdgeProblem(over, 429));
  EXPECT_FALSE(over.header("retry-after").empty()) << over.describe();
  open.clear();
  // Closed subscriptions give their places back.
  EXPECT_TRUE(wait_until(3000ms, [&] {
    RawConnection again;
    return again.send_all(subscribe_request(v.show_id)) && again.read_response().status == 200;
  }));
}

// --- profiles ---------------------------------------------------------------------

TEST(Edge, NoopIsRoutedInTheBenchProfileOnly) {
  if (env_or("CINEMA_PROFILE", "") == "bench") GTEST_SKIP() << "bench profile";
  EXPECT_TRUE(IsEdgeProblem(get("/v1/_noop"), 404));
}

}  // namespace
}  // namespace itest
