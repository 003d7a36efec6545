#include "cinema/status.h"

#include <string>

namespace cinema {
Problem problem_of(int status, const char* slug, const char* title, std::string detail) {
  Problem p;
  p.status = status;
  p.type = std::string("/problems/") + slug;
  p.title = title;
  p.detail = std::move(detail);
  return p;
}

Problem bad_request(std::string detail, std::vector<FieldError> errors) {
  Problem p =
      problem_of(400, errors.empty() ? "bad-request" : "validation-error",
                 errors.empty() ? "Bad request" : "Invalid request body", std::move(detail));
  p.errors = std::move(errors);
  return p;
}
Problem unauthorized(std::string detail) {
  Problem p = problem_of(401, "unauthorized", "Authentication required", std::move(detail));
  p.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"cinema\"");
  return p;
}
Problem forbidden(std::string detail) {
  return problem_of(403, "forbidden", "Forbidden", std::move(detail));
}
Problem not_found(std::string detail) {
  return problem_of(404, "not-found", "Not found", std::move(detail));
}
Problem method_not_allowed(std::string allow) {
  Problem p = problem_of(405, "method-not-allowed", "Method not allowed",
                         "This resource supports: " + allow);
  p.headers.emplace_back("Allow", std::move(allow));
  return p;
}
Problem conflict(std::string detail) {
  return problem_of(409, "conflict", "Conflict", std::move(detail));
}
Problem gone(std::string detail) {
  return problem_of(410, "gone", "Gone", std::move(detail));
}
Problem payload_too_large(std::string detail) {
  return problem_of(413, "payload-too-large", "Payload too large", std::move(detail));
}
Problem unsupported_media_type(std::string detail) {
  return problem_of(415, "unsupported-media-type", "Unsupported media type", std::move(detail));
}
Problem unprocessable(std::string detail, std::vector<FieldError> errors) {
  Problem p = problem_of(422, "unprocessable", "Unprocessable request", std::move(detail));
  p.errors = std::move(errors);
  return p;
}
Problem too_many_requests(int64_t retry_after_seconds) {
  if (retry_after_seconds < 1) retry_after_seconds = 1;
  Problem p =
      problem_of(429, "rate-limited", "Too many requests",
                 "Rate limit exceeded; retry after " + std::to_string(retry_after_seconds) + " s");
  p.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return p;
}
Problem service_unavailable(std::string detail) {
  Problem p = problem_of(503, "unavailable", "Service unavailable", std::move(detail));
  p.headers.emplace_back("Retry-After", "1");
  return p;
}
Problem internal_error() {
  return problem_of(500, "internal", "Internal server error",
                    "An unexpected error occurred; it has been logged with the request id");
}

}  // namespace cinema
