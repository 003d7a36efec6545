// Error values: a Problem is an RFC 9457 problem detail; StatusOr<T> carries a
// value or a Problem. Domain steps return these; one place (Response::problem)
// turns them into HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cinema {

struct FieldError {
  std::string field;
  std::string message;
};

struct Problem {
  int status = 500;
  std::string type;  // a URI reference; "about:blank" when empty
  std::string title;
  std::string detail;
  std::vector<FieldError> errors;
  // Extension members as (name, raw JSON) pairs, e.g. {"unavailable_seat_ids", "[3,4]"}.
  std::vector<std::pair<std::string, std::string>> extensions;
  // Extra response headers, e.g. Retry-After.
  std::vector<std::pair<std::string, std::string>> headers;

  Problem& with_extension(std::string name, std::string raw_json) {
    extensions.emplace_back(std::move(name), std::move(raw_json));
    return *this;
  }
};

// A problem of its own type: `/problems/<slug>`, e.g. a refusal a function names
// more precisely than the constructors below.
Problem problem_of(int status, const char* slug, const char* title, std::string detail);

// Constructors for the statuses the API uses (see docs/ARCHITECTURE.md, Consistency model).
Problem bad_request(std::string detail, std::vector<FieldError> errors = {});
Problem unauthorized(std::string detail);
Problem forbidden(std::string detail);
Problem not_found(std::string detail);
Problem method_not_allowed(std::string allow);
Problem conflict(std::string detail);
Problem gone(std::string detail);
Problem payload_too_large(std::string detail);
Problem unsupported_media_type(std::string detail);
Problem unprocessable(std::string detail, std::vector<FieldError> errors = {});
Problem too_many_requests(int64_t retry_after_seconds);
Problem service_unavailable(std::string detail);
Problem internal_error();

// Status: ok, or a Problem.
class Status {
 public:
  Status() = default;
  Status(Problem p) : problem_(std::move(p)) {}  // NOLINT: implicit by design
  bool ok() const { return !problem_.has_value(); }
  const Problem& problem() const { return *problem_; }

 private:
  std::optional<Problem> problem_;
};

// StatusOr<T>: a T, or the Problem that prevented it.
template <class T>
class StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  StatusOr(Problem problem) : v_(std::move(problem)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Problem& problem() const { return std::get<1>(v_); }

 private:
  std::variant<T, Problem> v_;
};

}  // namespace cinema

// The early return of a failed step, in a function that returns Status,
// StatusOr<U> or Response (each is made from a Problem):
//   CINEMA_RETURN_IF_ERROR(require_role(*user, {"OWNER"}));
//   CINEMA_ASSIGN_OR_RETURN(auto user, authenticate(req, ctx));
#define CINEMA_RETURN_IF_ERROR(expr)                            \
  do {                                                          \
    if (auto&& cinema_status_ = (expr); !cinema_status_.ok()) { \
      return cinema_status_.problem();                          \
    }                                                           \
  } while (false)

#define CINEMA_ASSIGN_OR_RETURN(decl, expr) \
  CINEMA_ASSIGN_OR_RETURN_IMPL_(CINEMA_STATUS_CONCAT_(cinema_or_, __LINE__), decl, expr)
#define CINEMA_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.problem();                 \
  decl = std::move(*tmp)
#define CINEMA_STATUS_CONCAT_(a, b) CINEMA_STATUS_CONCAT_INNER_(a, b)
#define CINEMA_STATUS_CONCAT_INNER_(a, b) a##b
