#include "cinema/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace cinema {
namespace {

TEST(HostList, ParsesHostsPortsAndDefaults) {
  auto l = parse_host_list("10.0.0.1:5671, 10.0.0.2,[::1]:5673", 5672, "X");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], (HostPort{"10.0.0.1", 5671}));
  EXPECT_EQ(l[1], (HostPort{"10.0.0.2", 5672}));
  EXPECT_EQ(l[2], (HostPort{"::1", 5673}));
  EXPECT_TRUE(parse_host_list("", 1, "X").empty());
}

TEST(HostList, RejectsBadEntries) {
  EXPECT_THROW(parse_host_list("h:0", 1, "X"), std::runtime_error);
  EXPECT_THROW(parse_host_list("h:70000", 1, "X"), std::runtime_error);
  EXPECT_THROW(parse_host_list("h:", 1, "X"), std::runtime_error);
  EXPECT_THROW(parse_host_list(":5", 1, "X"), std::runtime_error);
  EXPECT_THROW(parse_host_list("[::1", 1, "X"), std::runtime_error);
}

TEST(AmqpEndpoints, HostsWinOverHostAndPort) {
  AmqpSettings a;
  a.host = "h";
  a.port = 7;
  ASSERT_EQ(a.endpoints().size(), 1u);
  EXPECT_EQ(a.endpoints()[0], (HostPort{"h", 7}));
  a.hosts = {{"a", 1}, {"b", 2}};
  EXPECT_EQ(a.endpoints(), a.hosts);
}

class ConfigEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    TearDown();  // settings of the caller's environment do not count here
    setenv("CINEMA_JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
  }
  void TearDown() override {
    for (const char* v : {"CINEMA_JWT_SECRET", "CINEMA_REDIS_SENTINELS", "CINEMA_AMQP_HOSTS",
                          "CINEMA_AMQP_QUEUE_TYPE", "CINEMA_LIVE_PUBLISH_URLS", "CINEMA_DB_SSL_CA",
                          "CINEMA_DB_SSL_CERT", "CINEMA_DB_SSL_KEY", "CINEMA_DB_REPLICA_HOST",
                          "CINEMA_WORKER_LOCK", "CINEMA_DB_PORT", "CINEMA_DB_REPLICA_PORT",
                          "CINEMA_AMQP_TLS_CA", "CINEMA_REDIS_MASTER_NAME"}) {
      unsetenv(v);
    }
  }
};

TEST_F(ConfigEnv, ClusterSettingsAreOffByDefault) {
  Config c = Config::from_env();
  EXPECT_TRUE(c.redis.sentinels.empty());
  EXPECT_TRUE(c.amqp.hosts.empty());
  EXPECT_EQ(c.amqp.queue_type, "classic");
  EXPECT_FALSE(c.amqp.tls.enabled());
  EXPECT_FALSE(c.db.tls.enabled());
  EXPECT_TRUE(c.replica.host.empty());
  EXPECT_TRUE(c.live_publish_urls.empty());
  EXPECT_EQ(c.worker_lock, "file");
}

TEST_F(ConfigEnv, ReadsClusterSettings) {
  setenv("CINEMA_REDIS_SENTINELS", "127.0.0.2:26379,127.0.0.3", 1);
  setenv("CINEMA_AMQP_HOSTS", "a:1 b", 1);
  setenv("CINEMA_AMQP_QUEUE_TYPE", "quorum", 1);
  setenv("CINEMA_LIVE_PUBLISH_URLS", "http://a:1/,http://b:2", 1);
  setenv("CINEMA_DB_SSL_CA", "/ca.pem", 1);
  setenv("CINEMA_DB_PORT", "3310", 1);
  setenv("CINEMA_DB_REPLICA_HOST", "10.0.0.9", 1);
  setenv("CINEMA_WORKER_LOCK", "db", 1);
  Config c = Config::from_env();
  ASSERT_EQ(c.redis.sentinels.size(), 2u);
  EXPECT_EQ(c.redis.sentinels[1], (HostPort{"127.0.0.3", 26379}));
  ASSERT_EQ(c.amqp.hosts.size(), 2u);
  EXPECT_EQ(c.amqp.hosts[1].port, c.amqp.port);
  EXPECT_EQ(c.amqp.queue_type, "quorum");
  EXPECT_EQ(c.live_publish_urls, (std::vector<std::string>{"http://a:1", "http://b:2"}));
  EXPECT_TRUE(c.db.tls.enabled());
  EXPECT_EQ(c.replica.host, "10.0.0.9");
  EXPECT_EQ(c.replica.port, 3310);  // the primary's port unless told
  EXPECT_EQ(c.worker_lock, "db");
}

TEST_F(ConfigEnv, RejectsBadClusterSettings) {
  setenv("CINEMA_AMQP_QUEUE_TYPE", "stream", 1);
  EXPECT_THROW(Config::from_env(), std::runtime_error);
  unsetenv("CINEMA_AMQP_QUEUE_TYPE");
  setenv("CINEMA_LIVE_PUBLISH_URLS", "ftp://x", 1);
  EXPECT_THROW(Config::from_env(), std::runtime_error);
  unsetenv("CINEMA_LIVE_PUBLISH_URLS");
  setenv("CINEMA_DB_SSL_CERT", "/c.pem", 1);  // without CA and key
  EXPECT_THROW(Config::from_env(), std::runtime_error);
  unsetenv("CINEMA_DB_SSL_CERT");
  setenv("CINEMA_WORKER_LOCK", "redis", 1);
  EXPECT_THROW(Config::from_env(), std::runtime_error);
}

}  // namespace
}  // namespace cinema
