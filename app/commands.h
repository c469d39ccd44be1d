// The kinerja subcommands. Each returns the process exit code: 0 success, 1 failure at run
// time, 2 bad usage or configuration (the message names the field).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/kafka.h"
#include "simulator/simulator.h"

namespace kinerja::app {

struct KafkaFlags {
  std::string brokers = "127.0.0.1:9092";
  std::string topic = "kinerja.events.v1";
  std::string dlq_topic = "kinerja.events.dlq.v1";
  std::string config_file;              // librdkafka properties file (kafka_config.h)
  std::vector<std::string> properties;  // librdkafka "name=value", over the file's
};

struct RunFlags {
  KafkaFlags kafka;
  std::string group = "kinerja";
  std::string state_dir;
  std::string metrics_address = "127.0.0.1:9464";
  bool stop_at_end = false;
  size_t batch_size = 50000;
  int window_months = 13;
  double dedup_window_hours = 7 * 24;
  size_t memory_mb = 640;  // split by MemoryBudgetOf
  int decode_threads = 1;  // 0: decode and apply on one thread
  int commit_threads = 1;  // 0: the applying thread waits for each store write
  // group.instance.id: "auto" derives one from the host name and the state directory
  // (StaticInstanceId; none with stop_at_end), "none" turns static membership off.
  std::string instance_id = "auto";
  std::string log_level = "info";  // debug, info, warn, error or off
};
int Run(const RunFlags& flags);
// --memory-mb, split: 1/4 librdkafka's prefetch, 1/4 RocksDB (its cache and write buffers),
// 3/8 the employee cache; the last 1/8 is left for the batch in flight, decoding and the rest.
struct MemoryBudget {
  size_t prefetch_bytes;
  size_t rocksdb_bytes;
  size_t employee_cache_bytes;
};
MemoryBudget MemoryBudgetOf(size_t memory_mb);
// The group.instance.id of `flags.instance_id`; empty when static membership is off. "auto":
// "kinerja-<host>-<hash of the absolute state directory>", the same at every restart of one
// instance and different for two instances (two cannot share a state directory).
std::string StaticInstanceId(const RunFlags& flags);

struct SimulateFlags {
  simulator::SimulatorOptions sim;
  std::string output;  // NDJSON file, "-" for stdout; empty: produce to Kafka
  KafkaFlags kafka;
  double rate = 0;  // events per second when producing (0: as fast as possible)
  // Kafka timestamps: false, the time of producing; true, each event's envelope time, so a
  // simulated year looks like a real year to the dedup window (--timestamps event).
  bool event_timestamps = false;
};
int Simulate(const SimulateFlags& flags);

struct PublishFlags {
  KafkaFlags kafka;
  std::vector<std::string> files;
  bool no_validate = false;                 // false: refuse to send anything when a line is invalid
  std::string content_mode = "structured";  // of event lines: structured or binary
};
int Publish(const PublishFlags& flags);

// Checks NDJSON files line by line as the pipeline would see them once published.
// Exit code 0: every event valid; 1: some invalid (each printed); 2: bad usage (unreadable file).
struct ValidateFlags {
  std::vector<std::string> files;
  std::string content_mode = "structured";  // check event lines as publish would send them
};
int Validate(const ValidateFlags& flags);

struct KpisFlags {
  std::string state_dir;
  std::string format = "json";
  int window_months = 13;
  bool progress = false;  // json: also each partition's next offset and outcome totals
};
int Kpis(const KpisFlags& flags);

struct TopicsFlags {
  KafkaFlags kafka;
  int partitions = 64;
};
int CreateTopics(const TopicsFlags& flags);

// The librdkafka properties of `flags`: its --kafka-config file, the environment, its
// --kafka-property flags (kafka_config.h).
Result<ingest::KafkaProperties> KafkaClientProperties(const KafkaFlags& flags);

}  // namespace kinerja::app
