#include "http_client.h"

#include <curl/curl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

namespace itest {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

void ensure_curl_initialised() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResponse*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (e.g. after "100 Continue"): headers start over.
    r->headers.clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = lower(trim(line.substr(0, colon)));
  std::string value = trim(line.substr(colon + 1));
  auto it = r->headers.find(name);
  if (it == r->headers.end()) {
    r->headers.emplace(std::move(name), std::move(value));
  } else {
    it->second += ", " + value;
  }
  return size * n;
}

std::string random_suffix() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  std::ostringstream out;
  out << std::hex << (rng() & 0xffffffffffULL);
  return out.str();
}

// CINEMA_CONTRACT_LOG=<file>: every exchange is appended to it as one JSON
// line (method, path, status, content_type, content_encoding, body) for the
// contract check (tests/contract/validate.mjs) that runs after the suite.
void log_exchange(const std::string& method, const std::string& path, const HttpResponse& r) {
  static std::mutex mu;
  static FILE* out = [] {
    const char* file = std::getenv("CINEMA_CONTRACT_LOG");
    return file != nullptr && *file != '\0' ? std::fopen(file, "a") : nullptr;
  }();
  if (out == nullptr) return;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto member = [&w](const char* name, const std::string& value) {
    w.Key(name);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  member("method", method);
  member("path", path);
  w.Key("status");
  w.Int(r.status);
  member("content_type", r.header("content-type"));
  member("content_encoding", r.header("content-encoding"));
  member("body", r.body);
  w.EndObject();
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(buf.GetString(), 1, buf.GetSize(), out);
  std::fputc('\n', out);
  std::fflush(out);
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

bool HttpResponse::has_header(const std::string& name) const {
  return headers.count(lower(name)) != 0;
}

std::string HttpResponse::media_type() const {
  std::string type = header("content-type");
  return lower(trim(type.substr(0, type.find(';'))));
}

rapidjson::Document HttpResponse::json() const {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  return doc;
}

std::string HttpResponse::describe() const {
  std::ostringstream out;
  if (status == 0) {
    out << "transfer failed: " << error;
  } else {
    out << "HTTP " << status << " [" << header("content-type") << "] "
        << (body.size() > 600 ? body.substr(0, 600) + "..." : body);
  }
  return out.str();
}

namespace {
thread_local std::string t_source_address;
}

SourceAddress::SourceAddress(std::string address) : previous_(t_source_address) {
  t_source_address = std::move(address);
}
SourceAddress::~SourceAddress() {
  t_source_address = previous_;
}

std::string fresh_loopback_address() {
  static std::atomic<int> next{0};
  // Spread by pid so that reruns against one stack meet fresh buckets too.
  int n = (static_cast<int>(getpid()) % 200) * 250 + next.fetch_add(1) % 250;
  return "127.0." + std::to_string(2 + n / 250) + "." + std::to_string(1 + n % 250);
}

std::string base_url() {
  const char* env = std::getenv("CINEMA_BASE_URL");
  std::string url = env != nullptr && *env != '\0' ? env : "http://127.0.0.1:18080";
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

HttpResponse request(const std::string& method, const std::string& path, const std::string& body,
                     const Headers& headers) {
  ensure_curl_initialised();
  HttpResponse r;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    r.error = "curl_easy_init failed";
    return r;
  }
  std::string url = base_url() + path;
  curl_slist* list = nullptr;
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    if (lower(name) == "content-type") has_type = true;
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  if (!body.empty() && !has_type) list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (!t_source_address.empty())
    curl_easy_setopt(curl, CURLOPT_INTERFACE, t_source_address.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
  if (method == "GET" && body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    if (method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
  }
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    r.status = static_cast<int>(code);
  } else {
    r.status = 0;
    r.error = curl_easy_strerror(rc);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  log_exchange(method, path, r);
  return r;
}

HttpResponse get(const std::string& path, const Headers& headers) {
  return request("GET", path, "", headers);
}
HttpResponse post(const std::string& path, const std::string& body, const Headers& headers) {
  return request("POST", path, body, headers);
}
HttpResponse put(const std::string& path, const std::string& body, const Headers& headers) {
  return request("PUT", path, body, headers);
}
HttpResponse patch(const std::string& path, const std::string& body, const Headers& headers) {
  return request("PATCH", path, body, headers);
}
HttpResponse del(const std::string& path, const std::string& body, const Headers& headers) {
  return request("DELETE", path, body, headers);
}

std::pair<std::string, std::string> bearer(const std::string& token) {
  return {"Authorization", "Bearer " + token};
}

std::string json_object(const std::vector<std::pair<std::string, std::string>>& members) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : members) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string unique_email(const std::string& prefix) {
  static std::atomic<int> counter{0};
  std::ostringstream out;
  out << prefix << "-" << getpid() << "-" << ++counter << "-" << random_suffix() << "@example.com";
  return out.str();
}

TestUser register_user(const std::string& prefix, const std::string& password) {
  TestUser u;
  u.email = unique_email(prefix);
  u.password = password;
  HttpResponse r =
      post("/v1/auth/register", json_object({{"email", u.email}, {"password", u.password}}));
  if (r.status != 201) throw std::runtime_error("register " + u.email + ": " + r.describe());
  auto doc = r.json();
  if (!doc.IsObject() || !doc.HasMember("id") || !doc["id"].IsInt64()) {
    throw std::runtime_error("register: no id in " + r.describe());
  }
  u.id = doc["id"].GetInt64();
  return u;
}

Tokens login(const std::string& email, const std::string& password) {
  HttpResponse r = post("/v1/auth/login", json_object({{"email", email}, {"password", password}}));
  if (r.status != 200) throw std::runtime_error("login " + email + ": " + r.describe());
  auto doc = r.json();
  if (!doc.IsObject() || !doc.HasMember("access_token") || !doc["access_token"].IsString() ||
      !doc.HasMember("refresh_token") || !doc["refresh_token"].IsString()) {
    throw std::runtime_error("login: no tokens in " + r.describe());
  }
  return Tokens{doc["access_token"].GetString(), doc["refresh_token"].GetString()};
}

Tokens login(const TestUser& user) {
  return login(user.email, user.password);
}

bool stack_ctl_available() {
  const char* ctl = std::getenv("CINEMA_STACK_CTL");
  return ctl != nullptr && *ctl != '\0';
}

int stack_ctl(const std::string& args) {
  if (!stack_ctl_available()) return -1;
  // The script's progress goes to stderr; keep stdout (gtest's) clean.
  std::string cmd = std::string(std::getenv("CINEMA_STACK_CTL")) + " " + args + " 1>&2";
  int rc = std::system(cmd.c_str());
  if (rc == -1) return -1;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

std::string stack_ctl_output(const std::string& args, int* rc) {
  if (rc != nullptr) *rc = -1;
  if (!stack_ctl_available()) return "";
  std::string cmd = std::string(std::getenv("CINEMA_STACK_CTL")) + " " + args;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = pclose(pipe);
  if (rc != nullptr) *rc = status == -1 ? -1 : (WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  return out;
}

::testing::AssertionResult IsProblem(const HttpResponse& r, int status) {
  if (r.status != status) {
    return ::testing::AssertionFailure() << "expected HTTP " << status << ", got " << r.describe();
  }
  if (r.media_type() != "application/problem+json") {
    return ::testing::AssertionFailure()
           << "expected Content-Type application/problem+json, got " << r.describe();
  }
  auto doc = r.json();
  if (doc.HasParseError() || !doc.IsObject()) {
    return ::testing::AssertionFailure() << "problem body is not a JSON object: " << r.describe();
  }
  for (const char* field : {"type", "title"}) {
    if (!doc.HasMember(field) || !doc[field].IsString() || doc[field].GetStringLength() == 0) {
      return ::testing::AssertionFailure()
             << "problem lacks a string '" << field << "': " << r.describe();
    }
  }
  if (!doc.HasMember("status") || !doc["status"].IsInt() || doc["status"].GetInt() != status) {
    return ::testing::AssertionFailure()
           << "problem 'status' member is not " << status << ": " << r.describe();
  }
  return ::testing::AssertionSuccess();
}

std::string json_string(const HttpResponse& r, const char* member) {
  auto doc = r.json();
  if (doc.HasParseError() || !doc.IsObject()) return "";
  auto it = doc.FindMember(member);
  if (it == doc.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::vector<std::string> error_fields(const HttpResponse& r) {
  std::vector<std::string> out;
  auto doc = r.json();
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("errors") ||
      !doc["errors"].IsArray()) {
    return out;
  }
  for (const auto& e : doc["errors"].GetArray()) {
    if (e.IsObject() && e.HasMember("field") && e["field"].IsString()) {
      out.emplace_back(e["field"].GetString());
    }
  }
  return out;
}

}  // namespace itest
