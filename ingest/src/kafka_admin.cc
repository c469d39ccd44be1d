#include <memory>

#include "ingest/kafka.h"
#include "kafka_common.h"

namespace kinerja::ingest {
namespace {

// The answer of one CreateTopics request: the first topic that failed for a reason other than
// existing already.
Status TopicResults(rd_kafka_event_t* ev) {
  if (rd_kafka_event_error(ev)) {
    return Status::Unavailable(std::string("creating topics: ") + rd_kafka_event_error_string(ev));
  }
  size_t n = 0;
  const rd_kafka_topic_result_t** res =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
    if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      const char* msg = rd_kafka_topic_result_error_string(res[i]);
      return Status::Unavailable(std::string("topic ") + rd_kafka_topic_result_name(res[i]) + ": " +
                                 (msg ? msg : rd_kafka_err2str(err)));
    }
  }
  return Status::OK();
}

// Sends one CreateTopics request for `topics` and waits for its answer.
Status Request(rd_kafka_t* rk, std::vector<rd_kafka_NewTopic_t*>& topics,
               std::chrono::milliseconds timeout, const std::string& brokers) {
  char errstr[512];
  std::unique_ptr<rd_kafka_AdminOptions_t, void (*)(rd_kafka_AdminOptions_t*)> opts(
      rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS), rd_kafka_AdminOptions_destroy);
  if (rd_kafka_AdminOptions_set_operation_timeout(opts.get(), static_cast<int>(timeout.count()),
                                                  errstr, sizeof errstr)) {
    return Status::InvalidArgument(std::string("create-topics timeout: ") + errstr);
  }
  std::unique_ptr<rd_kafka_queue_t, void (*)(rd_kafka_queue_t*)> queue(rd_kafka_queue_new(rk),
                                                                       rd_kafka_queue_destroy);
  rd_kafka_CreateTopics(rk, topics.data(), topics.size(), opts.get(), queue.get());
  std::unique_ptr<rd_kafka_event_t, void (*)(rd_kafka_event_t*)> ev(
      rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count()) + 1000),
      rd_kafka_event_destroy);
  if (!ev) return Status::Unavailable("creating topics: no answer from " + brokers);
  return TopicResults(ev.get());
}

}  // namespace

Status CreateTopics(const std::string& brokers, const std::vector<TopicSpec>& topics,
                    std::chrono::milliseconds timeout) {
  if (topics.empty()) return Status::OK();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (Status st = internal::SetAll(conf, {{"bootstrap.servers", brokers}}); !st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  internal::InstallLogger(conf);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(std::string("Kafka admin client: ") + errstr);
  }
  std::vector<rd_kafka_NewTopic_t*> new_topics;
  Status result;
  for (const auto& t : topics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions,
                                                    t.replication_factor, errstr, sizeof errstr);
    if (!nt) {
      result = Status::InvalidArgument("topic " + t.name + ": " + errstr);
      break;
    }
    new_topics.push_back(nt);
  }
  if (result.ok()) result = Request(rk, new_topics, timeout, brokers);
  for (auto* nt : new_topics) rd_kafka_NewTopic_destroy(nt);
  rd_kafka_destroy(rk);
  return result;
}

}  // namespace kinerja::ingest
