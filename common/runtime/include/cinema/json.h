// JSON in and out on rapidjson: JsonWriter builds responses; JsonBody parses a
// request body against an explicit field list and collects validation errors.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cinema/status.h"

namespace cinema {

class JsonWriter {
 public:
  JsonWriter() : w_(buf_) {}
  JsonWriter& begin_object() {
    w_.StartObject();
    return *this;
  }
  JsonWriter& end_object() {
    w_.EndObject();
    return *this;
  }
  JsonWriter& begin_array() {
    w_.StartArray();
    return *this;
  }
  JsonWriter& end_array() {
    w_.EndArray();
    return *this;
  }
  JsonWriter& key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  JsonWriter& value(std::string_view v) {
    w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(int64_t v) {
    w_.Int64(v);
    return *this;
  }
  JsonWriter& value(int v) {
    w_.Int(v);
    return *this;
  }
  JsonWriter& value(bool v) {
    w_.Bool(v);
    return *this;
  }
  JsonWriter& value(double v) {
    w_.Double(v);
    return *this;
  }
  JsonWriter& null() {
    w_.Null();
    return *this;
  }
  // Inserts already-serialised JSON.
  JsonWriter& raw(std::string_view json) {
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    return key(k).value(v);
  }
  JsonWriter& field(std::string_view k, const std::optional<std::string>& v) {
    key(k);
    return v ? value(*v) : null();
  }
  JsonWriter& field(std::string_view k, const std::optional<int64_t>& v) {
    key(k);
    return v ? value(*v) : null();
  }
  JsonWriter& null_field(std::string_view k) { return key(k).null(); }
  std::string str() const { return std::string(buf_.GetString(), buf_.GetSize()); }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

// A parsed JSON object body. Typed getters validate and record FieldErrors;
// call finish() to turn any into one 400 problem.
class JsonBody {
 public:
  // Parses `body` as one JSON object; malformed JSON, a non-object, duplicate
  // keys or a key outside `allowed` give 400.
  static StatusOr<JsonBody> parse(std::string_view body,
                                  std::initializer_list<std::string_view> allowed);

  bool has(std::string_view field) const;
  std::optional<std::string> string(std::string_view field, bool required, size_t min_len,
                                    size_t max_len);
  std::optional<int64_t> integer(std::string_view field, bool required, int64_t min, int64_t max);
  std::optional<bool> boolean(std::string_view field, bool required);
  // An array of distinct integers in [min,max], size in [min_items,max_items].
  std::optional<std::vector<int64_t>> integer_set(std::string_view field, bool required,
                                                  size_t min_items, size_t max_items, int64_t min,
                                                  int64_t max);
  void add_error(std::string field, std::string message);
  Status finish() const;
  const rapidjson::Value& root() const { return *doc_; }

 private:
  const rapidjson::Value* find(std::string_view field) const;
  std::unique_ptr<rapidjson::Document> doc_;
  std::vector<FieldError> errors_;
};

// JSON string literal for `s`, quotes included.
std::string json_quote(std::string_view s);

}  // namespace cinema
