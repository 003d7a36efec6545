#include "cinema/redis.h"

#include <gtest/gtest.h>

namespace cinema {
namespace {

RedisValue str(const std::string& s) {
  RedisValue v;
  v.kind = RedisValue::Kind::kString;
  v.str = s;
  return v;
}

RedisValue array(std::vector<RedisValue> e) {
  RedisValue v;
  v.kind = RedisValue::Kind::kArray;
  v.elements = std::move(e);
  return v;
}

TEST(SentinelReply, GivesTheMastersAddress) {
  auto m = parse_master_reply(array({str("127.0.0.4"), str("32379")}));
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, (HostPort{"127.0.0.4", 32379}));
}

TEST(SentinelReply, UnknownMasterOrJunkIsNoAddress) {
  EXPECT_FALSE(parse_master_reply(RedisValue{}));  // nil: the sentinel does not know the name
  EXPECT_FALSE(parse_master_reply(array({str("h")})));
  EXPECT_FALSE(parse_master_reply(array({str("h"), str("0")})));
  EXPECT_FALSE(parse_master_reply(array({str("h"), str("99999")})));
  EXPECT_FALSE(parse_master_reply(array({str("h"), str("12x")})));
  EXPECT_FALSE(parse_master_reply(array({str(""), str("1")})));
}

TEST(SentinelDiscovery, NoSentinelAnsweringMeansRedisIsDown) {
  RedisSettings s;
  s.sentinels = {{"127.0.0.1", 1}};  // nothing listens there
  s.timeout_ms = 100;
  Redis r(s);
  EXPECT_FALSE(r.command({"PING"}));
  EXPECT_FALSE(r.ping());  // backing off, still no answer
}

}  // namespace
}  // namespace cinema
