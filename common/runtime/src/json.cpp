#include "cinema/json.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <set>

#include "cinema/utf8.h"

namespace cinema {
namespace {

// Every key and string in `v` is well-formed UTF-8. rapidjson decodes a lone
// \uDC00 escape into an encoded surrogate and passes invalid raw bytes
// through, so its own checks are not enough.
// Also false past kMaxDepth levels of nesting: no body we accept nests deeper.
constexpr int kMaxDepth = 32;

bool valid_text(const rapidjson::Value& v, int depth = 0) {
  if (depth > kMaxDepth) return false;
  if (v.IsString()) return is_valid_utf8(std::string_view(v.GetString(), v.GetStringLength()));
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (!valid_text(e, depth + 1)) return false;
    }
  } else if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (!valid_text(it->name, depth + 1) || !valid_text(it->value, depth + 1)) return false;
    }
  }
  return true;
}

}  // namespace

StatusOr<JsonBody> JsonBody::parse(std::string_view body,
                                   std::initializer_list<std::string_view> allowed) {
  JsonBody out;
  out.doc_ = std::make_unique<rapidjson::Document>();
  // Iterative: a deeply nested body must not exhaust the stack.
  out.doc_->Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (out.doc_->HasParseError()) {
    return bad_request(std::string("Malformed JSON at offset ") +
                       std::to_string(out.doc_->GetErrorOffset()) + ": " +
                       rapidjson::GetParseError_En(out.doc_->GetParseError()));
  }
  if (!out.doc_->IsObject()) return bad_request("The request body must be a JSON object");
  if (!valid_text(*out.doc_)) {
    return bad_request(
        "The request body is not valid UTF-8, has an unpaired surrogate escape, or nests too deep");
  }
  std::vector<FieldError> errors;
  std::set<std::string> seen;
  for (auto it = out.doc_->MemberBegin(); it != out.doc_->MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    if (!seen.insert(name).second) {
      errors.push_back({name, "duplicate field"});
    } else if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      errors.push_back({name, "unknown field"});
    }
  }
  if (!errors.empty())
    return bad_request("The request body has fields that are not accepted", std::move(errors));
  return out;
}

const rapidjson::Value* JsonBody::find(std::string_view field) const {
  auto it = doc_->FindMember(rapidjson::Value(rapidjson::StringRef(field.data(), field.size())));
  if (it == doc_->MemberEnd()) return nullptr;
  return &it->value;
}

bool JsonBody::has(std::string_view field) const {
  const auto* v = find(field);
  return v != nullptr && !v->IsNull();
}

void JsonBody::add_error(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

std::optional<std::string> JsonBody::string(std::string_view field, bool required, size_t min_len,
                                            size_t max_len) {
  const auto* v = find(field);
  if (v == nullptr || v->IsNull()) {
    if (required) add_error(std::string(field), "is required");
    return std::nullopt;
  }
  if (!v->IsString()) {
    add_error(std::string(field), "must be a string");
    return std::nullopt;
  }
  std::string s(v->GetString(), v->GetStringLength());
  if (s.size() < min_len || s.size() > max_len) {
    add_error(std::string(field), "must be " + std::to_string(min_len) + ".." +
                                      std::to_string(max_len) + " bytes long");
    return std::nullopt;
  }
  if (s.find('\0') != std::string::npos) {
    add_error(std::string(field), "must not contain NUL characters");
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> JsonBody::integer(std::string_view field, bool required, int64_t min,
                                         int64_t max) {
  const auto* v = find(field);
  if (v == nullptr || v->IsNull()) {
    if (required) add_error(std::string(field), "is required");
    return std::nullopt;
  }
  if (!v->IsInt64()) {
    add_error(std::string(field), "must be an integer");
    return std::nullopt;
  }
  int64_t n = v->GetInt64();
  if (n < min || n > max) {
    add_error(std::string(field),
              "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> JsonBody::boolean(std::string_view field, bool required) {
  const auto* v = find(field);
  if (v == nullptr || v->IsNull()) {
    if (required) add_error(std::string(field), "is required");
    return std::nullopt;
  }
  if (!v->IsBool()) {
    add_error(std::string(field), "must be true or false");
    return std::nullopt;
  }
  return v->GetBool();
}

std::optional<std::vector<int64_t>> JsonBody::integer_set(std::string_view field, bool required,
                                                          size_t min_items, size_t max_items,
                                                          int64_t min, int64_t max) {
  const auto* v = find(field);
  if (v == nullptr || v->IsNull()) {
    if (required) add_error(std::string(field), "is required");
    return std::nullopt;
  }
  if (!v->IsArray()) {
    add_error(std::string(field), "must be an array of integers");
    return std::nullopt;
  }
  if (v->Size() < min_items || v->Size() > max_items) {
    add_error(std::string(field), "must have " + std::to_string(min_items) + ".." +
                                      std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<int64_t> out;
  std::set<int64_t> seen;
  for (const auto& item : v->GetArray()) {
    if (!item.IsInt64() || item.GetInt64() < min || item.GetInt64() > max) {
      add_error(std::string(field), "items must be integers between " + std::to_string(min) +
                                        " and " + std::to_string(max));
      return std::nullopt;
    }
    if (!seen.insert(item.GetInt64()).second) {
      add_error(std::string(field), "items must be distinct");
      return std::nullopt;
    }
    out.push_back(item.GetInt64());
  }
  return out;
}

Status JsonBody::finish() const {
  if (errors_.empty()) return Status();
  return bad_request("Some fields are invalid", errors_);
}

std::string json_quote(std::string_view s) {
  JsonWriter w;
  w.value(s);
  return w.str();
}

}  // namespace cinema
