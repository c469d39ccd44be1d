// librdkafka-backed implementations of the ingest interfaces, a producer for tools, and topic
// administration. librdkafka types stay inside src/.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/source.h"

namespace kinerja::ingest {

// librdkafka properties, e.g. {"queued.max.messages.kbytes", "1000000"}.
using KafkaProperties = std::map<std::string, std::string>;

// Told about every error a Kafka client reports: a broker down or unreachable, authentication
// or TLS failing, a consume error, a message not delivered. librdkafka retries transient
// errors by itself (the clients log each with librdkafka's text); these calls exist so that
// they can be counted and alerted on. Called on librdkafka's threads or inside Poll/Flush, so
// implementations must be thread-safe.
class KafkaErrorListener {
 public:
  virtual ~KafkaErrorListener() = default;
  // `client` is "consumer" or "producer"; `code` is librdkafka's error name (rd_kafka_err2name:
  // "_TRANSPORT", "_ALL_BROKERS_DOWN", "SASL_AUTHENTICATION_FAILED", ...).
  virtual void KafkaError(std::string_view client, std::string_view code) = 0;
};

struct KafkaSourceOptions {
  std::string brokers;  // bootstrap.servers
  std::string topic = "kinerja.events.v1";
  std::string group_id = "kinerja";
  std::string client_id = "kinerja";
  // Static membership (group.instance.id): a member that restarts with the same id gets its
  // partitions back at once instead of after the dead member's session timeout. Empty: dynamic
  // membership. Unique per live member of the group (a second one with the id is fenced).
  std::string group_instance_id;
  // Memory for fetched messages queued ahead of the pipeline: sets librdkafka's queue limits
  // (about budget / 1 KiB messages; see kafka_source.cc and README.md, "Memory").
  size_t prefetch_bytes = 160ull << 20;
  KafkaProperties extra;                 // applied last; overrides the defaults below
  KafkaErrorListener* errors = nullptr;  // optional; must outlive the source
};

// A consumer-group member (cooperative-sticky). Resumes every assigned partition at the offset
// the listener returns (Kinerja's own store), never at Kafka's committed offset.
class KafkaSource : public EventSource {
 public:
  static Result<std::unique_ptr<KafkaSource>> Create(const KafkaSourceOptions& options);
  ~KafkaSource() override;

  void SetListener(PartitionListener* listener) override;
  Status Poll(std::vector<Message>* out, size_t max, std::chrono::milliseconds timeout) override;
  void ReportProgress(const std::vector<PartitionOffset>& offsets) override;
  std::optional<int64_t> HighWatermark(int32_t partition) override;
  Result<std::vector<int64_t>> QueryEndOffsets(std::chrono::milliseconds timeout) override;
  Status Close() override;

  struct Impl;

 private:
  explicit KafkaSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct KafkaProducerOptions {
  std::string brokers;
  std::string client_id = "kinerja-producer";
  KafkaProperties extra;
  KafkaErrorListener* errors = nullptr;  // optional; must outlive the producer
};

// An idempotent producer (enable.idempotence=true, acks=all). Refused credentials (SASL
// authentication failing) stop it: from then on Send and Flush return PermissionDenied at once,
// and queued messages are dropped when it is destroyed.
class KafkaProducer {
 public:
  static Result<std::unique_ptr<KafkaProducer>> Create(const KafkaProducerOptions& options);
  ~KafkaProducer();

  // Queues one message (copied); blocks while librdkafka's queue is full.
  Status Send(std::string_view topic, std::optional<std::string_view> key,
              std::optional<std::string_view> value, const std::vector<Header>& headers = {},
              int64_t timestamp_ms = 0, int32_t partition = -1);
  // Waits for every queued message's delivery report. Fails if any delivery failed since the
  // last Flush (PermissionDenied when the last failure was an authorization refusal, such as
  // no WRITE right on the topic), or the timeout passed.
  Status Flush(std::chrono::milliseconds timeout);
  uint64_t delivered() const;
  uint64_t failed() const;

  struct Impl;

 private:
  explicit KafkaProducer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Dead letters to a Kafka topic, with the headers of docs/events.md.
class KafkaDeadLetterSink : public DeadLetterSink {
 public:
  KafkaDeadLetterSink(KafkaProducer* producer, std::string dlq_topic, std::string source_topic);
  Status Send(const Message& message, std::string_view reason, std::string_view detail) override;
  Status Flush(std::chrono::milliseconds timeout) override;

 private:
  KafkaProducer* producer_;
  std::string dlq_topic_;
  std::string source_topic_;
};

// Whether the principal of `options` may write to `topic`, found out without storing anything:
// one message is sent with acks=2, which brokers refuse (INVALID_REQUIRED_ACKS) only after
// they have checked the principal's WRITE right on the topic (TOPIC_AUTHORIZATION_FAILED
// otherwise). Returns OK (writable), PermissionDenied (credentials refused, or no right to
// write), NotFound (no such topic), InvalidArgument (a bad property), or Unavailable when it
// cannot tell within `timeout` (no broker reachable, no answer).
Status CheckTopicWritable(const KafkaProducerOptions& options, const std::string& topic,
                          std::chrono::milliseconds timeout);

struct TopicSpec {
  std::string name;
  int partitions = 64;
  int replication_factor = 1;
};
// Creates the topics that do not exist yet; an existing topic is left as it is. `extra` are
// librdkafka properties (security settings and credentials). Refused credentials or a missing
// right to create a topic give PermissionDenied, without waiting for the timeout.
Status CreateTopics(const std::string& brokers, const KafkaProperties& extra,
                    const std::vector<TopicSpec>& topics,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace kinerja::ingest
