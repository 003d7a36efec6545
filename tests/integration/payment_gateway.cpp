#include "payment_gateway.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "fixtures.h"
#include "worker_run.h"

namespace itest {
namespace {

std::string log_dir() {
  const char* run = std::getenv("CINEMA_RUN_DIR");
  return run != nullptr ? std::string(run) + "/log" : "/tmp";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string bin_dir() {
  std::string w = worker_binary();
  return w.substr(0, w.rfind('/'));
}

}  // namespace

StandInGateway::StandInGateway() {
  char tmpl[] = "/tmp/cinema-gateway-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  secret_ = "gw-secret-" + unique_token("s");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    std::string out = log_dir() + "/payment-gateway.log";
    FILE* f = std::freopen(out.c_str(), "a", stderr);
    (void)f;
    execlp("python3", "python3", CINEMA_TEST_GATEWAY_SCRIPT, "--dir", dir_.c_str(), "--secret",
           secret_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = pid;
  std::string port;
  wait_until(std::chrono::seconds(10), [&] {
    port = read_file(dir_ + "/port");
    return !port.empty();
  });
  if (port.empty()) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    throw std::runtime_error("the stand-in payment gateway did not start");
  }
  url_ = "http://127.0.0.1:" + port;
}

StandInGateway::~StandInGateway() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::remove((dir_ + "/port").c_str());
  std::remove((dir_ + "/mode").c_str());
  std::remove((dir_ + "/journal.jsonl").c_str());
  rmdir(dir_.c_str());
}

void StandInGateway::set_mode(const std::string& mode) const {
  std::ofstream(dir_ + "/mode.tmp") << mode;
  std::rename((dir_ + "/mode.tmp").c_str(), (dir_ + "/mode").c_str());
}

std::vector<GatewayCall> StandInGateway::journal() const {
  std::vector<GatewayCall> out;
  std::ifstream in(dir_ + "/journal.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError() || !d.IsObject()) continue;
    GatewayCall c;
    auto str = [&](const char* k) {
      return d.HasMember(k) && d[k].IsString() ? std::string(d[k].GetString()) : std::string();
    };
    c.path = str("path");
    c.key = str("key");
    c.id = str("id");
    c.status = d.HasMember("status") && d["status"].IsInt() ? d["status"].GetInt() : 0;
    c.replayed = d.HasMember("replayed") && d["replayed"].IsTrue();
    c.applied = d.HasMember("applied") && d["applied"].IsTrue();
    c.amount_cents = d.HasMember("amount_cents") && d["amount_cents"].IsInt64()
                         ? d["amount_cents"].GetInt64()
                         : 0;
    out.push_back(c);
  }
  return out;
}

int64_t StandInGateway::calls_with_key(const std::string& key) const {
  int64_t n = 0;
  for (const GatewayCall& c : journal()) n += c.key == key ? 1 : 0;
  return n;
}

int64_t StandInGateway::applied_with_key(const std::string& key) const {
  int64_t n = 0;
  for (const GatewayCall& c : journal()) n += c.key == key && c.applied ? 1 : 0;
  return n;
}

std::string StandInGateway::provider_env() const {
  return "CINEMA_PAYMENT_PROVIDER=http CINEMA_PAYMENT_HTTP_URL=" + url_ +
         " CINEMA_PAYMENT_HTTP_SECRET=" + secret_ +
         " CINEMA_PAYMENT_CONNECT_TIMEOUT_MS=500 CINEMA_PAYMENT_TIMEOUT_MS=3000";
}

std::string unreachable_gateway_env() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(fd);
  return "CINEMA_PAYMENT_PROVIDER=http CINEMA_PAYMENT_HTTP_URL=http://127.0.0.1:" +
         std::to_string(port) +
         " CINEMA_PAYMENT_HTTP_SECRET=unreachable-secret-0123 "
         "CINEMA_PAYMENT_CONNECT_TIMEOUT_MS=500 CINEMA_PAYMENT_TIMEOUT_MS=1000";
}

CgiResult run_cgi(const std::string& function, const std::string& method, const std::string& path,
                  const std::string& body, const std::string& token, const std::string& env,
                  const std::vector<std::string>& headers) {
  char tmpl[] = "/tmp/cinema-cgi-body-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  if (!body.empty() && write(fd, body.data(), body.size()) != static_cast<ssize_t>(body.size())) {
    close(fd);
    throw std::runtime_error("write failed");
  }
  close(fd);
  std::string cmd = "env " + env + " REQUEST_METHOD=" + method + " DOCUMENT_URI='" + path +
                    "' REQUEST_URI='" + path + "' SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1" +
                    " CONTENT_TYPE=application/json CONTENT_LENGTH=" + std::to_string(body.size()) +
                    (token.empty() ? "" : " HTTP_AUTHORIZATION='Bearer " + token + "'");
  for (const std::string& h : headers) cmd += " '" + h + "'";
  cmd += " CINEMA_FUNCTION=" + function + " '" + bin_dir() + "/" + function + "' <" + tmpl +
         " 2>>'" + log_dir() + "/cgi-tests.log'";
  CgiResult out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed");
  std::string raw;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) raw.append(buf, n);
  int rc = pclose(p);
  std::remove(tmpl);
  out.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  size_t split = raw.find("\r\n\r\n");
  size_t skip = 4;
  if (split == std::string::npos) {
    split = raw.find("\n\n");
    skip = 2;
  }
  if (split == std::string::npos) return out;
  std::istringstream head(raw.substr(0, split));
  std::string line;
  out.response.status = 200;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (name == "status") {
      out.response.status = std::atoi(value.c_str());
    } else {
      out.response.headers[name] = value;
    }
  }
  out.response.body = raw.substr(split + skip);
  return out;
}

Payment payment_in(const HttpResponse& r) {
  Payment p;
  rapidjson::Document d = r.json();
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("payment") || !d["payment"].IsObject()) {
    return p;
  }
  const auto& v = d["payment"];
  if (v.HasMember("status") && v["status"].IsString()) p.status = v["status"].GetString();
  if (v.HasMember("amount_cents") && v["amount_cents"].IsInt64()) {
    p.amount_cents = v["amount_cents"].GetInt64();
  }
  if (v.HasMember("refunded_cents") && v["refunded_cents"].IsInt64()) {
    p.refunded_cents = v["refunded_cents"].GetInt64();
  }
  return p;
}

int64_t hold_for(const Actor& c, int64_t show_id, const std::vector<int64_t>& seats) {
  HttpResponse h = hold_seats(c, show_id, seats);
  if (h.status != 201) throw std::runtime_error("hold failed: " + h.describe());
  int64_t hold_id = json_int(h, "hold_id").value_or(0);
  // The test profile's holds last seconds; these tests run several programs
  // on one hold.
  sql_exec("UPDATE holds SET expires_at = NOW(3) + INTERVAL 5 MINUTE WHERE id = ?", hold_id);
  sql_exec("UPDATE show_seats SET held_until = NOW(3) + INTERVAL 5 MINUTE WHERE hold_id = ?",
           hold_id);
  return hold_id;
}

CgiResult confirm_cgi(const StandInGateway& gw, const Actor& c, int64_t show_id, int64_t hold_id,
                      const std::string& token, const std::string& env) {
  JsonObj body;
  body.i("hold_id", hold_id);
  if (!token.empty()) body.s("payment_token", token);
  return run_cgi("confirm", "POST", "/v1/shows/" + std::to_string(show_id) + "/confirm", body.str(),
                 c.token, env.empty() ? gw.provider_env() : env);
}

Booked book_via_gateway(const StandInGateway& gw, const Actor& c, int64_t show_id,
                        const std::vector<int64_t>& seats) {
  Booked b;
  b.hold_id = hold_for(c, show_id, seats);
  CgiResult r = confirm_cgi(gw, c, show_id, b.hold_id);
  if (r.response.status != 201) {
    throw std::runtime_error("confirm via the gateway failed: " + r.response.describe());
  }
  b.reservation_id = json_int(r.response, "reservation_id").value_or(0);
  b.total_cents = json_int(r.response, "total_cents").value_or(0);
  return b;
}

}  // namespace itest
