#include "broker.h"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "cinema/amqp.h"
#include "cinema/log.h"

namespace cinema::worker {
namespace {

constexpr amqp_channel_t kChannel = 1;

amqp_connection_state_t st(void* p) {
  return static_cast<amqp_connection_state_t>(p);
}

bool rpc_ok(amqp_connection_state_t c, const char* step) {
  amqp_rpc_reply_t r = amqp_get_rpc_reply(c);
  if (r.reply_type == AMQP_RESPONSE_NORMAL) return true;
  log(LogLevel::kWarn, "amqp step failed", {{"step", step}, {"reply_type", int(r.reply_type)}});
  return false;
}

}  // namespace

Broker::Broker(AmqpSettings settings) : settings_(std::move(settings)) {}

Broker::~Broker() {
  close();
}

void Broker::close() {
  if (conn_ == nullptr) return;
  amqp_destroy_connection(st(conn_));
  conn_ = nullptr;
  confirm_mode_ = false;
  next_tag_ = 1;
}

bool Broker::connect() {
  close();
  amqp_connection_state_t c = amqp_new_connection();
  conn_ = c;
  auto fail = [&](const char* step) {
    log(LogLevel::kWarn, "broker unavailable", {{"step", step}});
    close();
    return false;
  };
  timeval tv{2, 0};
  std::string where = open_broker_socket(c, settings_, 2000, &next_endpoint_);
  if (where.empty()) return fail("open");
  amqp_set_rpc_timeout(c, &tv);
  if (amqp_login(c, settings_.vhost.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN,
                 settings_.user.c_str(), settings_.password.c_str())
          .reply_type != AMQP_RESPONSE_NORMAL) {
    return fail("login");
  }
  amqp_channel_open(c, kChannel);
  if (!rpc_ok(c, "channel.open")) return fail("channel");
  bool ok = declare_event_topology(c, settings_.exchange, settings_.queue_type);
  if (!ok) return fail("topology");
  if (settings_.endpoints().size() > 1)
    log(LogLevel::kInfo, "broker connected", {{"broker", where}});
  return true;
}

std::vector<PublishOutcome> Broker::publish_confirmed(const std::vector<OutgoingMessage>& batch,
                                                      int timeout_ms) {
  std::vector<PublishOutcome> out(batch.size(), PublishOutcome::kUnknown);
  if (conn_ == nullptr || batch.empty()) return out;
  amqp_connection_state_t c = st(conn_);
  if (!confirm_mode_) {
    amqp_confirm_select(c, kChannel);
    if (!rpc_ok(c, "confirm.select")) {
      close();
      return out;
    }
    confirm_mode_ = true;
  }
  std::map<uint64_t, size_t> by_tag;            // delivery tag -> index
  std::map<std::string, size_t> by_message_id;  // for basic.return
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& m = batch[i];
    amqp_basic_properties_t props{};
    props._flags =
        AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = routes_to_durable_queue(m.routing_key) ? AMQP_DELIVERY_PERSISTENT
                                                                 : AMQP_DELIVERY_NONPERSISTENT;
    props.message_id = amqp_cstring_bytes(m.message_id.c_str());
    amqp_bytes_t body{m.body.size(), const_cast<char*>(m.body.data())};
    int rc = amqp_basic_publish(c, kChannel, amqp_cstring_bytes(settings_.exchange.c_str()),
                                amqp_cstring_bytes(m.routing_key.c_str()), 1, 0, &props, body);
    if (rc != AMQP_STATUS_OK) {
      log(LogLevel::kWarn, "relay publish failed", {{"error", amqp_error_string2(rc)}});
      close();
      return out;
    }
    by_tag[next_tag_++] = i;
    by_message_id[m.message_id] = i;
  }
  std::vector<bool> returned(batch.size(), false);
  size_t pending = batch.size();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (pending > 0) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    timeval tv{static_cast<time_t>(left.count() / 1000000),
               static_cast<suseconds_t>(left.count() % 1000000)};
    amqp_frame_t frame;
    int rc = amqp_simple_wait_frame_noblock(c, &frame, &tv);
    if (rc == AMQP_STATUS_TIMEOUT) break;
    if (rc != AMQP_STATUS_OK) {
      close();
      break;
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    auto settle = [&](uint64_t tag, bool multiple, bool ack) {
      for (auto it = by_tag.begin(); it != by_tag.end();) {
        if (it->first == tag || (multiple && it->first < tag)) {
          size_t i = it->second;
          out[i] = !ack          ? PublishOutcome::kNacked
                   : returned[i] ? PublishOutcome::kReturned
                                 : PublishOutcome::kAcked;
          --pending;
          it = by_tag.erase(it);
        } else {
          ++it;
        }
      }
    };
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        auto* a = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        settle(a->delivery_tag, a->multiple != 0, true);
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        auto* n = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
        settle(n->delivery_tag, n->multiple != 0, false);
        break;
      }
      case AMQP_BASIC_RETURN_METHOD: {
        // The returned message's header and body follow; its ack comes after.
        amqp_message_t msg;
        if (amqp_read_message(c, frame.channel, &msg, 0).reply_type != AMQP_RESPONSE_NORMAL) {
          close();
          return out;
        }
        if (msg.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) {
          std::string id(static_cast<char*>(msg.properties.message_id.bytes),
                         msg.properties.message_id.len);
          auto it = by_message_id.find(id);
          if (it != by_message_id.end()) returned[it->second] = true;
        }
        amqp_destroy_message(&msg);
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
        close();
        return out;
      default:
        break;
    }
    if (conn_ == nullptr) break;
  }
  if (conn_ != nullptr) {
    amqp_maybe_release_buffers(c);
    // A returned message found no queue: a queue that is not durable lived on
    // a broker that went away (cluster). Declaring the topology again puts it
    // back, so the next attempt is routed.
    if (pending == 0 && std::find(returned.begin(), returned.end(), true) != returned.end() &&
        !declare_event_topology(c, settings_.exchange, settings_.queue_type)) {
      close();
    }
  }
  return out;
}

std::optional<Delivery> Broker::get(const char* queue) {
  if (conn_ == nullptr) return std::nullopt;
  amqp_connection_state_t c = st(conn_);
  amqp_rpc_reply_t r = amqp_basic_get(c, kChannel, amqp_cstring_bytes(queue), 0);
  if (r.reply_type != AMQP_RESPONSE_NORMAL) {
    close();
    return std::nullopt;
  }
  if (r.reply.id != AMQP_BASIC_GET_OK_METHOD) return std::nullopt;  // empty queue
  auto* ok = static_cast<amqp_basic_get_ok_t*>(r.reply.decoded);
  Delivery d;
  d.tag = ok->delivery_tag;
  d.redelivered = ok->redelivered != 0;
  d.routing_key.assign(static_cast<char*>(ok->routing_key.bytes), ok->routing_key.len);
  amqp_message_t msg;
  if (amqp_read_message(c, kChannel, &msg, 0).reply_type != AMQP_RESPONSE_NORMAL) {
    close();
    return std::nullopt;
  }
  d.body.assign(static_cast<char*>(msg.body.bytes), msg.body.len);
  amqp_destroy_message(&msg);
  amqp_maybe_release_buffers(c);
  return d;
}

bool Broker::subscribe(const char* queue, uint16_t prefetch) {
  if (conn_ == nullptr) return false;
  amqp_connection_state_t c = st(conn_);
  amqp_basic_qos(c, kChannel, 0, prefetch, 0);
  if (!rpc_ok(c, "basic.qos")) {
    close();
    return false;
  }
  amqp_basic_consume(c, kChannel, amqp_cstring_bytes(queue), amqp_cstring_bytes(queue), 0, 0, 0,
                     amqp_empty_table);
  if (!rpc_ok(c, "basic.consume")) {
    close();
    return false;
  }
  return true;
}

std::optional<Delivery> Broker::next(int timeout_ms) {
  if (conn_ == nullptr) return std::nullopt;
  amqp_connection_state_t c = st(conn_);
  amqp_maybe_release_buffers(c);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  amqp_envelope_t env;
  amqp_rpc_reply_t r = amqp_consume_message(c, &env, &tv, 0);
  if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT) {
    return std::nullopt;
  }
  if (r.reply_type != AMQP_RESPONSE_NORMAL) {
    // A frame other than a delivery (channel or connection closed, or the
    // broker went away): start over with a fresh connection later.
    log(LogLevel::kWarn, "broker consumer lost", {{"reply_type", int(r.reply_type)}});
    close();
    return std::nullopt;
  }
  Delivery d;
  d.tag = env.delivery_tag;
  d.redelivered = env.redelivered != 0;
  d.consumer_tag.assign(static_cast<char*>(env.consumer_tag.bytes), env.consumer_tag.len);
  d.routing_key.assign(static_cast<char*>(env.routing_key.bytes), env.routing_key.len);
  d.body.assign(static_cast<char*>(env.message.body.bytes), env.message.body.len);
  amqp_destroy_envelope(&env);
  return d;
}

bool Broker::ack(uint64_t tag) {
  return conn_ != nullptr && amqp_basic_ack(st(conn_), kChannel, tag, 0) == AMQP_STATUS_OK;
}

bool Broker::reject(uint64_t tag, bool requeue) {
  return conn_ != nullptr &&
         amqp_basic_reject(st(conn_), kChannel, tag, requeue ? 1 : 0) == AMQP_STATUS_OK;
}

}  // namespace cinema::worker
