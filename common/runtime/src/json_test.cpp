#include "cinema/json.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

TEST(JsonWriter, WritesEscapedObjects) {
  JsonWriter w;
  w.begin_object().field("a", "x\"y").field("n", int64_t{7}).field("b", true).null_field("z");
  w.key("arr").begin_array().value(1).value(2).end_array().end_object();
  EXPECT_EQ(w.str(), R"({"a":"x\"y","n":7,"b":true,"z":null,"arr":[1,2]})");
}

TEST(JsonBody, RejectsMalformedJson) {
  auto b = JsonBody::parse("{\"a\":", {"a"});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.problem().status, 400);
  EXPECT_NE(b.problem().detail.find("Malformed JSON"), std::string::npos);
}

TEST(JsonBody, RejectsInvalidUtf8AndLoneSurrogates) {
  for (std::string body : {"{\"name\":\"\xff\"}", "{\"name\":\"\xc0\xaf\"}",
                           "{\"name\":\"\xc3\x28\"}", "{\"name\":\"\xed\xa0\x80\"}",
                           "{\"name\":\"\\udc00\"}", "{\"name\":\"\\ud800\"}", "{\"\xff\":1}"}) {
    auto b = JsonBody::parse(body, {"name"});
    ASSERT_FALSE(b.ok()) << body;
    EXPECT_EQ(b.problem().status, 400) << body;
  }
  EXPECT_TRUE(JsonBody::parse("{\"name\":\"caf\xc3\xa9 \\ud83c\\udfac\"}", {"name"}).ok());
}

TEST(JsonBody, RejectsDeepNesting) {
  std::string deep = "{\"name\":" + std::string(20000, '[') + std::string(20000, ']') + "}";
  auto b = JsonBody::parse(deep, {"name"});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.problem().status, 400);
}

TEST(JsonBody, RejectsTrailingGarbage) {
  EXPECT_FALSE(JsonBody::parse(R"({"a":1} x)", {"a"}).ok());
}

TEST(JsonBody, RejectsNonObjects) {
  EXPECT_FALSE(JsonBody::parse("[1,2]", {}).ok());
  EXPECT_FALSE(JsonBody::parse("\"s\"", {}).ok());
}

TEST(JsonBody, RejectsUnknownAndDuplicateFields) {
  auto b = JsonBody::parse(R"({"email":"a","role":"ADMIN"})", {"email"});
  ASSERT_FALSE(b.ok());
  ASSERT_EQ(b.problem().errors.size(), 1u);
  EXPECT_EQ(b.problem().errors[0].field, "role");
  auto d = JsonBody::parse(R"({"email":"a","email":"b"})", {"email"});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.problem().errors[0].message, "duplicate field");
}

TEST(JsonBody, TypedGettersCollectErrors) {
  auto b = JsonBody::parse(R"({"s":5,"n":"x","big":1000,"ok":true})", {"s", "n", "big", "ok", "m"});
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->string("s", true, 1, 10));
  EXPECT_FALSE(b->integer("n", true, 0, 10));
  EXPECT_FALSE(b->integer("big", true, 0, 100));
  EXPECT_FALSE(b->string("m", true, 1, 10));
  EXPECT_EQ(b->boolean("ok", true), true);
  Status st = b->finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.problem().status, 400);
  EXPECT_EQ(st.problem().errors.size(), 4u);
}

TEST(JsonBody, OptionalMissingFieldIsNotAnError) {
  auto b = JsonBody::parse(R"({})", {"x"});
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->string("x", false, 1, 10));
  EXPECT_TRUE(b->finish().ok());
}

TEST(JsonBody, IntegerSetChecksDistinctAndBounds) {
  auto b = JsonBody::parse(R"({"a":[1,2,2],"b":[1,2,3],"c":[0]})", {"a", "b", "c"});
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->integer_set("a", true, 1, 10, 1, 100));
  auto ok = b->integer_set("b", true, 1, 10, 1, 100);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 3u);
  EXPECT_FALSE(b->integer_set("c", true, 1, 10, 1, 100));
}

}  // namespace
}  // namespace cinema
