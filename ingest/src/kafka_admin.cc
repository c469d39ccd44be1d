#include <memory>

#include "ingest/kafka.h"
#include "kafka_common.h"

namespace kinerja::ingest {
namespace {

// The admin client's errors: logged (create-topics has no metrics), refused credentials kept.
struct AdminErrors {
  log::RateLimited error_log{10, std::chrono::seconds(60)};
  internal::RefusalLatch refusal;
};

void AdminErrorCb(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* errors = static_cast<AdminErrors*>(opaque);
  errors->refusal.OnClientError(nullptr, errors->error_log, "admin",
                                static_cast<rd_kafka_resp_err_t>(err), reason);
}

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
      const std::string reason = std::string("topic ") + rd_kafka_topic_result_name(res[i]) + ": " +
                                 (msg ? msg : rd_kafka_err2str(err));
      if (internal::IsAuthorizationError(err)) return internal::Refused("admin", err, reason);
      return Status::Unavailable(reason);
    }
  }
  return Status::OK();
}

// Sends one CreateTopics request for `topics` and waits for its answer, or for the credentials
// to be refused.
Status Request(rd_kafka_t* rk, AdminErrors& errors, std::vector<rd_kafka_NewTopic_t*>& topics,
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
  const auto deadline = std::chrono::steady_clock::now() + timeout + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<rd_kafka_event_t, void (*)(rd_kafka_event_t*)> ev(
        rd_kafka_queue_poll(queue.get(), 100), rd_kafka_event_destroy);
    if (ev) return TopicResults(ev.get());
    (void)rd_kafka_poll(rk, 0);  // serves the error callback; returns a count
    KINERJA_RETURN_IF_ERROR(errors.refusal.status());
  }
  return Status::Unavailable("creating topics: no answer from " + brokers);
}

}  // namespace

Status CreateTopics(const std::string& brokers, const KafkaProperties& extra,
                    const std::vector<TopicSpec>& topics, std::chrono::milliseconds timeout) {
  if (topics.empty()) return Status::OK();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (Status st = internal::SetAll(conf, internal::Merge({{"bootstrap.servers", brokers}}, extra));
      !st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  AdminErrors errors;
  rd_kafka_conf_set_opaque(conf, &errors);
  rd_kafka_conf_set_error_cb(conf, AdminErrorCb);
  auto client = internal::NewClient(RD_KAFKA_PRODUCER, conf, "admin client");
  if (!client.ok()) return client.status();
  rd_kafka_t* rk = *client;
  std::vector<rd_kafka_NewTopic_t*> new_topics;
  Status result;
  for (const auto& t : topics) {
    char errstr[512];
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions,
                                                    t.replication_factor, errstr, sizeof errstr);
    if (!nt) {
      result = Status::InvalidArgument("topic " + t.name + ": " + errstr);
      break;
    }
    new_topics.push_back(nt);
  }
  if (result.ok()) result = Request(rk, errors, new_topics, timeout, brokers);
  for (auto* nt : new_topics) rd_kafka_NewTopic_destroy(nt);
  rd_kafka_destroy(rk);
  return result;
}

}  // namespace kinerja::ingest
