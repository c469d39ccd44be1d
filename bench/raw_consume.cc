// kinerja_bench_raw_consume: the baseline for bench/run.sh. A plain librdkafka high-level
// consumer (C API) with the same consumer properties as Kinerja's KafkaSource
// (ingest/src/kafka_source.cc) that reads a topic from the beginning up to the end offsets seen
// at start (like `kinerja run --stop-at-end`) and does nothing with each message but add up its
// payload length. It is the ceiling Kinerja's consume path can reach on this machine.
//
// Prints one JSON line to stdout: {"messages":N,"bytes":B,"seconds":S,"rate":R}, where seconds
// is the wall-clock time from creating the consumer to having left the group (so group join,
// end-offset query and close are included, as they are in the timing of `kinerja run`).
//
// Usage: kinerja_bench_raw_consume --brokers HOST:PORT --topic T [--group G]
//          [--property NAME=VALUE]...   (librdkafka properties over the ones below, e.g. Kinerja's
//                                        prefetch limits, to see what they cost on their own)
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr size_t kBatch = 50000;
constexpr int kTimeoutMs = 30000;  // metadata / end-offset queries

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "kinerja_bench_raw_consume: %s\n", msg.c_str());
  std::exit(1);
}

[[noreturn]] void Usage(const char* why) {
  std::fprintf(
      stderr,
      "kinerja_bench_raw_consume: %s\n"
      "usage: kinerja_bench_raw_consume --brokers HOST:PORT --topic TOPIC [--group GROUP]\n"
      "                                 [--property NAME=VALUE]...\n",
      why);
  std::exit(2);
}

void Set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name, value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    Die(std::string(name) + ": " + errstr);
  }
}

// End offset of every partition of the topic, the way KafkaSource::QueryEndOffsets does it.
std::vector<int64_t> QueryEndOffsets(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, kTimeoutMs);
  rd_kafka_topic_destroy(rkt);
  if (err) Die(std::string("metadata: ") + rd_kafka_err2str(err));
  int partitions = 0;
  if (md->topic_cnt == 1 && !md->topics[0].err) partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  if (partitions == 0) Die("topic " + topic + " does not exist");
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_END;
  }
  err = rd_kafka_offsets_for_times(rk, list, kTimeoutMs);
  std::vector<int64_t> ends(static_cast<size_t>(partitions), 0);
  for (int i = 0; i < list->cnt && !err; ++i) {
    if (list->elems[i].err) err = list->elems[i].err;
    ends[static_cast<size_t>(list->elems[i].partition)] = list->elems[i].offset;
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err) Die(std::string("end offsets: ") + rd_kafka_err2str(err));
  return ends;
}

}  // namespace

int main(int argc, char** argv) {
  std::string brokers, topic, group;
  std::vector<std::pair<std::string, std::string>> properties;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage((arg + " needs a value").c_str());
      return argv[++i];
    };
    if (arg == "--brokers") {
      brokers = value();
    } else if (arg == "--topic") {
      topic = value();
    } else if (arg == "--group") {
      group = value();
    } else if (arg == "--property") {
      const std::string p = value();
      const size_t eq = p.find('=');
      if (eq == std::string::npos || eq == 0)
        Usage(("--property: expected NAME=VALUE, got " + p).c_str());
      properties.emplace_back(p.substr(0, eq), p.substr(eq + 1));
    } else if (arg == "-h" || arg == "--help") {
      Usage("reads TOPIC up to its current end and prints {messages,bytes,seconds,rate}");
    } else {
      Usage(("unknown argument: " + arg).c_str());
    }
  }
  if (brokers.empty()) Usage("--brokers is required");
  if (topic.empty()) Usage("--topic is required");
  if (group.empty()) {
    // A fresh group: no committed offsets, so auto.offset.reset=earliest reads everything.
    group = "kinerja-bench-raw-" + std::to_string(getpid()) + "-" +
            std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  }

  const auto t0 = std::chrono::steady_clock::now();

  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Set(conf, "bootstrap.servers", brokers);
  Set(conf, "group.id", group);
  Set(conf, "client.id", "kinerja-bench-raw");
  // Kinerja's consumer properties (ingest/src/kafka_source.cc).
  Set(conf, "partition.assignment.strategy", "cooperative-sticky");
  Set(conf, "enable.auto.commit", "false");
  Set(conf, "enable.auto.offset.store", "false");
  Set(conf, "auto.offset.reset", "earliest");
  Set(conf, "queued.max.messages.kbytes", "262144");
  Set(conf, "queued.min.messages", "1000000");
  Set(conf, "fetch.wait.max.ms", "100");
  for (const auto& [name, v] : properties) Set(conf, name.c_str(), v);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) Die(std::string("consumer: ") + errstr);  // conf is still ours, but we exit anyway
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(rk);

  // End offsets first, as Pipeline::Run does with --stop-at-end, then subscribe. Without a
  // rebalance callback librdkafka (incrementally) assigns what the group hands out.
  const std::vector<int64_t> ends = QueryEndOffsets(rk, topic);
  rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, sub);
  rd_kafka_topic_partition_list_destroy(sub);
  if (err) Die(std::string("subscribe: ") + rd_kafka_err2str(err));

  // Next offset still to read per partition; a partition is done once it reaches its end.
  std::vector<int64_t> next(ends.size(), 0);
  size_t pending = 0;
  for (int64_t end : ends) pending += end > 0 ? 1 : 0;

  uint64_t messages = 0, bytes = 0, errors = 0;
  std::vector<rd_kafka_message_t*> batch(kBatch);
  while (pending > 0) {
    const ssize_t n = rd_kafka_consume_batch_queue(queue, 1000, batch.data(), batch.size());
    if (n < 0) Die(std::string("consume: ") + rd_kafka_err2str(rd_kafka_last_error()));
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = batch[static_cast<size_t>(i)];
      if (m->err) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && errors++ < 10) {
          std::fprintf(stderr, "kinerja_bench_raw_consume: consume: %s\n",
                       rd_kafka_message_errstr(m));
        }
      } else if (m->partition >= 0 && static_cast<size_t>(m->partition) < ends.size()) {
        const auto p = static_cast<size_t>(m->partition);
        // Only what was there at start (like --stop-at-end), and each offset once (a
        // rebalance may fetch again).
        if (m->offset < ends[p] && m->offset >= next[p]) {
          ++messages;
          bytes += m->len;
          next[p] = m->offset + 1;
          if (next[p] >= ends[p]) --pending;
        }
      }
      rd_kafka_message_destroy(m);
    }
  }

  rd_kafka_queue_destroy(queue);
  err = rd_kafka_consumer_close(rk);
  if (err) Die(std::string("leaving the group: ") + rd_kafka_err2str(err));
  rd_kafka_destroy(rk);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"messages\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"seconds\":%.3f,\"rate\":%.0f}\n",
              messages, bytes, seconds,
              seconds > 0 ? static_cast<double>(messages) / seconds : 0.0);
  return 0;
}
