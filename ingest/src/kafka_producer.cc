#include <algorithm>
#include <atomic>
#include <mutex>

#include "ingest/kafka.h"
#include "kafka_common.h"

namespace kinerja::ingest {
namespace {
constexpr std::chrono::milliseconds kFlushSlice{100};
}  // namespace

struct KafkaProducer::Impl {
  rd_kafka_t* rk = nullptr;
  KafkaErrorListener* errors = nullptr;
  std::atomic<uint64_t> delivered{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<uint64_t> failed_since_flush{0};
  std::mutex mu;
  std::string last_error;                                            // guarded by mu
  rd_kafka_resp_err_t last_error_code = RD_KAFKA_RESP_ERR_NO_ERROR;  // guarded by mu
  internal::RefusalLatch refusal;  // credentials refused: nothing can be sent any more
  uint64_t sent = 0;
  log::RateLimited error_log{10, std::chrono::seconds(60)};
};

namespace {

void DeliveryCb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* impl = static_cast<KafkaProducer::Impl*>(opaque);
  if (m->err) {
    // The reason only: the message's key and value may hold personal data.
    internal::ReportError(impl->errors, impl->error_log, "producer", m->err, "delivery failed");
    impl->failed++;
    impl->failed_since_flush++;
    std::lock_guard lock(impl->mu);
    impl->last_error = rd_kafka_err2str(m->err);
    impl->last_error_code = m->err;
  } else {
    impl->delivered++;
  }
}

// Errors of the client itself (brokers down, authentication); librdkafka retries them, but
// refused credentials stop the producer: Send and Flush return the refusal from then on. With
// an error callback librdkafka no longer logs these itself.
void ErrorCb(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* impl = static_cast<KafkaProducer::Impl*>(opaque);
  impl->refusal.OnClientError(impl->errors, impl->error_log, "producer",
                              static_cast<rd_kafka_resp_err_t>(err), reason);
}

}  // namespace

KafkaProducer::KafkaProducer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KafkaProducer::~KafkaProducer() {
  if (!impl_->rk) return;
  // Refused credentials deliver nothing, however long we wait: drop what is queued (each
  // message fails with a purge error) instead.
  if (!impl_->refusal.status().ok()) {
    (void)rd_kafka_purge(impl_->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  }
  if (rd_kafka_flush(impl_->rk, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log::Write(log::Level::kError, "kafka",
               "producer: " + std::to_string(rd_kafka_outq_len(impl_->rk)) +
                   " message(s) still queued when the producer was destroyed");
  }
  rd_kafka_destroy(impl_->rk);
}

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(const KafkaProducerOptions& options) {
  if (options.brokers.empty()) return Status::InvalidArgument("brokers: must not be empty");
  auto impl = std::make_unique<Impl>();
  impl->errors = options.errors;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const KafkaProperties defaults = {
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // The Java client's partitioner (murmur2 of the key): every producer of an employee's
      // events, whatever its library, then picks the same partition (docs/events.md).
      {"partitioner", "murmur2_random"},
      {"linger.ms", "5"},
      {"batch.num.messages", "10000"},
      {"compression.type", "lz4"},
      {"queue.buffering.max.messages", "1000000"},
      {"queue.buffering.max.kbytes", "1048576"},
  };
  if (Status st = internal::SetAll(conf, internal::Merge(defaults, options.extra)); !st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  rd_kafka_conf_set_opaque(conf, impl.get());
  rd_kafka_conf_set_dr_msg_cb(conf, DeliveryCb);
  rd_kafka_conf_set_error_cb(conf, ErrorCb);
  auto client = internal::NewClient(RD_KAFKA_PRODUCER, conf, "producer");
  if (!client.ok()) return client.status();
  impl->rk = *client;
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(std::move(impl)));
}

Status KafkaProducer::Send(std::string_view topic, std::optional<std::string_view> key,
                           std::optional<std::string_view> value,
                           const std::vector<Header>& headers, int64_t timestamp_ms,
                           int32_t partition) {
  KINERJA_RETURN_IF_ERROR(impl_->refusal.status());
  const std::string topic_name(topic);
  // The RD_KAFKA_V_* macros do not parenthesise their arguments: compute them first.
  void* key_ptr = key ? const_cast<char*>(key->data()) : nullptr;
  const size_t key_len = key ? key->size() : 0;
  void* value_ptr = value ? const_cast<char*>(value->data()) : nullptr;
  const size_t value_len = value ? value->size() : 0;
  const int32_t target = partition == -1 ? RD_KAFKA_PARTITION_UA : partition;
  for (;;) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (!headers.empty()) {
      hdrs = rd_kafka_headers_new(headers.size());
      for (const auto& h : headers) {
        // A null value stays null (Kafka headers may have one). Adding fails only on read-only
        // headers, which new ones are not.
        (void)rd_kafka_header_add(hdrs, h.name.data(), static_cast<ssize_t>(h.name.size()),
                                  h.value ? h.value->data() : nullptr,
                                  h.value ? static_cast<ssize_t>(h.value->size()) : 0);
      }
    }
    // librdkafka's varargs macros expand to C-style casts.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
    rd_kafka_resp_err_t err = rd_kafka_producev(
        impl_->rk, RD_KAFKA_V_TOPIC(topic_name.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_PARTITION(target), RD_KAFKA_V_KEY(key_ptr, key_len),
        RD_KAFKA_V_VALUE(value_ptr, value_len), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
#pragma GCC diagnostic pop
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (hdrs) rd_kafka_headers_destroy(hdrs);  // not taken over on failure
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return Status::Unavailable(std::string("produce: ") + rd_kafka_err2str(err));
    }
    (void)rd_kafka_poll(impl_->rk, 50);  // serve delivery reports to make room (a count)
  }
  if (++impl_->sent % 1024 == 0) (void)rd_kafka_poll(impl_->rk, 0);  // returns a count
  return Status::OK();
}

Status KafkaProducer::Flush(std::chrono::milliseconds timeout) {
  // In slices, so that refused credentials end the wait at once rather than at the timeout.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const auto slice = std::clamp(left, std::chrono::milliseconds(0), kFlushSlice);
    const rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk, static_cast<int>(slice.count()));
    KINERJA_RETURN_IF_ERROR(impl_->refusal.status());
    if (!err) break;
    if (left <= slice) return Status::Unavailable(std::string("flush: ") + rd_kafka_err2str(err));
  }
  const uint64_t failed = impl_->failed_since_flush.exchange(0);
  if (failed > 0) {
    std::lock_guard lock(impl_->mu);
    const std::string reason =
        std::to_string(failed) + " message(s) not delivered: " + impl_->last_error;
    if (internal::IsAuthorizationError(impl_->last_error_code)) {
      return internal::Refused("producer", impl_->last_error_code, reason);
    }
    return Status::Unavailable(reason);
  }
  return Status::OK();
}

uint64_t KafkaProducer::delivered() const { return impl_->delivered; }
uint64_t KafkaProducer::failed() const { return impl_->failed; }

KafkaDeadLetterSink::KafkaDeadLetterSink(KafkaProducer* producer, std::string dlq_topic,
                                         std::string source_topic)
    : producer_(producer),
      dlq_topic_(std::move(dlq_topic)),
      source_topic_(std::move(source_topic)) {}

Status KafkaDeadLetterSink::Send(const Message& message, std::string_view reason,
                                 std::string_view detail) {
  // The original headers first, unchanged (an agency can replay the message in the content mode
  // it sent it in), then the reason.
  std::vector<Header> headers;
  headers.reserve(message.headers.size() + 5);
  for (const MessageHeader& h : message.headers) {
    headers.push_back(
        {std::string(h.name), h.value ? std::optional<std::string>(*h.value) : std::nullopt});
  }
  headers.push_back({"kinerja.reason", std::string(reason)});
  headers.push_back({"kinerja.detail", std::string(detail)});
  headers.push_back({"kinerja.source.topic", source_topic_});
  headers.push_back({"kinerja.source.partition", std::to_string(message.partition)});
  headers.push_back({"kinerja.source.offset", std::to_string(message.offset)});
  return producer_->Send(dlq_topic_, message.key, message.value, headers,
                         message.timestamp_ms > 0 ? message.timestamp_ms : 0);
}

Status KafkaDeadLetterSink::Flush(std::chrono::milliseconds timeout) {
  Status st = producer_->Flush(timeout);
  if (st.ok()) return st;
  // Flush fails with PermissionDenied or Unavailable; the topic is what an operator must know.
  const std::string msg = "dead letters to topic " + dlq_topic_ + ": " + st.message();
  return st.code() == Status::Code::kPermissionDenied ? Status::PermissionDenied(msg)
                                                      : Status::Unavailable(msg);
}

}  // namespace kinerja::ingest

namespace kinerja::ingest {
namespace {

// What the write check's client saw: its one message's delivery report, refused credentials, or
// no broker to talk to.
struct WriteCheck {
  KafkaErrorListener* errors = nullptr;
  log::RateLimited error_log{10, std::chrono::seconds(60)};
  internal::RefusalLatch refusal;
  std::mutex mu;
  std::optional<rd_kafka_resp_err_t> delivery;  // guarded by mu
  bool brokers_down = false;                    // guarded by mu
};

void CheckDeliveryCb(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* check = static_cast<WriteCheck*>(opaque);
  std::lock_guard lock(check->mu);
  check->delivery = m->err;
}

void CheckErrorCb(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* check = static_cast<WriteCheck*>(opaque);
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  check->refusal.OnClientError(check->errors, check->error_log, "producer", code, reason);
  std::lock_guard lock(check->mu);
  check->brokers_down |= code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
}

// The broker's answer to the check's message: refused with acks=2 means the write was
// authorized (nothing was stored).
Status WriteVerdict(rd_kafka_resp_err_t err, const std::string& topic, WriteCheck& check) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_INVALID_REQUIRED_ACKS:
    case RD_KAFKA_RESP_ERR_NO_ERROR:  // a broker that took acks=2 stored an empty message
      return Status::OK();
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      return Status::NotFound("topic " + topic + " does not exist");
    default:
      break;
  }
  const std::string reason = "may not write to topic " + topic + ": " + rd_kafka_err2str(err);
  if (internal::IsAuthorizationError(err)) {
    internal::ReportError(check.errors, check.error_log, "producer", err, reason,
                          log::Level::kError);
    return internal::Refused("producer", err, reason);
  }
  return Status::Unavailable("checking writes to topic " + topic + ": " + rd_kafka_err2str(err));
}

// Serves the check's client until it has an answer or `timeout` passes.
Status AwaitWriteVerdict(rd_kafka_t* rk, WriteCheck& check, const std::string& topic,
                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    (void)rd_kafka_poll(rk, static_cast<int>(kFlushSlice.count()));  // a count of events
    KINERJA_RETURN_IF_ERROR(check.refusal.status());
    std::lock_guard lock(check.mu);
    if (check.delivery) return WriteVerdict(*check.delivery, topic, check);
    if (check.brokers_down) return Status::Unavailable("no broker reachable");
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("no answer within " + std::to_string(timeout.count()) + " ms");
    }
  }
}

}  // namespace

Status CheckTopicWritable(const KafkaProducerOptions& options, const std::string& topic,
                          std::chrono::milliseconds timeout) {
  if (options.brokers.empty()) return Status::InvalidArgument("brokers: must not be empty");
  WriteCheck check;
  check.errors = options.errors;
  // Applied after the caller's properties: the check only works this way.
  const KafkaProperties check_settings = {
      {"enable.idempotence", "false"},
      {"acks", "2"},
      {"retries", "0"},
      {"message.timeout.ms", std::to_string(timeout.count())},
      // A topic just created may take a moment to show in metadata; one that stays absent for
      // this long does not exist.
      {"topic.metadata.propagation.max.ms", "5000"},
  };
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const KafkaProperties props = internal::Merge(
      internal::Merge({{"bootstrap.servers", options.brokers}, {"client.id", options.client_id}},
                      options.extra),
      check_settings);
  if (Status st = internal::SetAll(conf, props); !st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  rd_kafka_conf_set_opaque(conf, &check);
  rd_kafka_conf_set_dr_msg_cb(conf, CheckDeliveryCb);
  rd_kafka_conf_set_error_cb(conf, CheckErrorCb);
  auto client = internal::NewClient(RD_KAFKA_PRODUCER, conf, "producer");
  if (!client.ok()) return client.status();
  rd_kafka_t* rk = *client;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
  rd_kafka_resp_err_t err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_END);
#pragma GCC diagnostic pop
  Status result = err ? Status::Unavailable(std::string("produce: ") + rd_kafka_err2str(err))
                      : AwaitWriteVerdict(rk, check, topic, timeout);
  (void)rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  (void)rd_kafka_flush(rk, 1000);  // serves the purge's delivery report
  rd_kafka_destroy(rk);
  return result;
}

}  // namespace kinerja::ingest
