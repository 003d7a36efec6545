#include "settings.h"

#include <openssl/sha.h>

#include <cctype>
#include <stdexcept>

#include "cinema/crypto.h"

namespace cinema::oidc {
namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (seps.find(c) != std::string_view::npos) {
      if (!trim(cur).empty()) out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}

bool http_url(const std::string& s) {
  return (s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0) && s.size() > 8 &&
         s.find_first_of(" \t\r\n\"<>\\") == std::string::npos;
}

Problem config_error(const std::string& detail) {
  Problem p = service_unavailable(detail);
  return p;
}

int64_t integer(const std::function<const char*(const char*)>& env, const char* name,
                int64_t fallback, int64_t min, int64_t max) {
  const char* v = env(name);
  if (v == nullptr || *v == '\0') return fallback;
  try {
    size_t used = 0;
    int64_t n = std::stoll(v, &used);
    if (used == std::string_view(v).size() && n >= min && n <= max) return n;
  } catch (const std::exception&) {
  }
  throw std::runtime_error(std::string(name) + " must be an integer from " + std::to_string(min) +
                           " to " + std::to_string(max));
}

bool path_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '_' ||
         c == '.' || c == '~';
}
bool query_char(char c) {
  return path_char(c) || c == '=' || c == '&' || c == '%' || c == '+' || c == ',';
}

}  // namespace

const ProviderConfig* Settings::find(std::string_view id) const {
  for (const auto& p : providers) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

StatusOr<Settings> settings_from(const std::function<const char*(const char*)>& env) {
  Settings s;
  try {
    const char* list = env("CINEMA_OIDC_PROVIDERS");
    for (const std::string& entry : split(list == nullptr ? "" : list, ";\n")) {
      auto f = split(entry, "|");
      if (f.size() != 4) {
        return config_error("CINEMA_OIDC_PROVIDERS: '" + entry +
                            "' is not id|name|issuer|client_id");
      }
      ProviderConfig p{f[0], f[1], f[2], f[3], ""};
      bool id_ok = !p.id.empty() && p.id.size() <= 32;
      for (char c : p.id) {
        if (!(std::islower(static_cast<unsigned char>(c)) ||
              std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
          id_ok = false;
        }
      }
      if (!id_ok)
        return config_error("CINEMA_OIDC_PROVIDERS: id '" + p.id + "' must be [a-z0-9-]{1,32}");
      while (!p.issuer.empty() && p.issuer.back() == '/') p.issuer.pop_back();
      if (!http_url(p.issuer))
        return config_error("CINEMA_OIDC_PROVIDERS: issuer of '" + p.id +
                            "' is not an http(s) URL");
      if (s.find(p.id) != nullptr)
        return config_error("CINEMA_OIDC_PROVIDERS: '" + p.id + "' twice");
      std::string var = "CINEMA_OIDC_";
      for (char c : p.id)
        var += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      var += "_CLIENT_SECRET";
      const char* secret = env(var.c_str());
      if (secret == nullptr || std::string_view(secret).size() < 8) {
        return config_error(var + " must hold the client secret of provider '" + p.id + "'");
      }
      p.client_secret = secret;
      s.providers.push_back(std::move(p));
    }
    const char* pub = env("CINEMA_PUBLIC_URL");
    s.public_url = pub == nullptr ? "" : trim(pub);
    while (!s.public_url.empty() && s.public_url.back() == '/') s.public_url.pop_back();
    if (!s.providers.empty() && !http_url(s.public_url)) {
      return config_error(
          "CINEMA_PUBLIC_URL must be the site's http(s) URL when providers are configured");
    }
    if (const char* r = env("CINEMA_OIDC_REDIRECTS"); r != nullptr && *r != '\0') {
      s.redirects = split(r, " ,\t\n");
      for (const auto& entry : s.redirects) {
        if (entry.empty() || entry[0] != '/' || entry.rfind("//", 0) == 0) {
          return config_error("CINEMA_OIDC_REDIRECTS: '" + entry + "' is not a path like /app/*");
        }
      }
    }
    s.jwks_refetch_s = integer(env, "CINEMA_OIDC_JWKS_REFETCH_SECONDS", 10, 0, 3600);
    s.timeout_ms = integer(env, "CINEMA_OIDC_TIMEOUT_MS", 5000, 100, 60000);
    s.connect_timeout_ms = integer(env, "CINEMA_OIDC_CONNECT_TIMEOUT_MS", 2000, 100, 60000);
  } catch (const std::runtime_error& e) {
    return config_error(e.what());
  }
  return s;
}

StatusOr<std::string> allowed_redirect(std::string_view target,
                                       const std::vector<std::string>& allow) {
  auto refuse = [](const std::string& why) -> Problem {
    Problem p = bad_request("redirect " + why);
    p.type = "/problems/oidc-redirect-not-allowed";
    p.title = "Redirect target not allowed";
    return p;
  };
  if (target.empty()) return refuse("is empty");
  if (target.size() > 512) return refuse("is too long");
  // Only a path on this site: no scheme, no "//host", no backslash (browsers
  // read "/\host" as "//host"), no fragment (we add our own), no "..".
  if (target[0] != '/' || (target.size() > 1 && (target[1] == '/' || target[1] == '\\'))) {
    return refuse("must be a path on this site, like /");
  }
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  for (char c : path) {
    if (!path_char(c)) return refuse("has a character a path here may not have");
  }
  for (char c : query) {
    if (!query_char(c)) return refuse("has a character a query here may not have");
  }
  if (path.find("/../") != std::string_view::npos || path.find("/./") != std::string_view::npos ||
      (path.size() >= 3 && path.substr(path.size() - 3) == "/..") ||
      path.find("//") != std::string_view::npos) {
    return refuse("must be a plain path");
  }
  for (const std::string& a : allow) {
    if (a.size() >= 2 && a.substr(a.size() - 2) == "/*") {
      std::string_view prefix(a.data(), a.size() - 1);  // keeps the '/'
      if (path.substr(0, prefix.size()) == prefix) return std::string(target);
    } else if (path == a) {
      return std::string(target);
    }
  }
  return refuse("is not one of the allowed return paths");
}

std::string pkce_challenge(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return base64url_encode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

std::string form_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace cinema::oidc
