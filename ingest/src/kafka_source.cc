#include <cstring>
#include <set>

#include "ingest/kafka.h"
#include "kafka_common.h"

namespace kinerja::ingest {

struct KafkaSource::Impl {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;
  std::string topic;
  std::string group;
  PartitionListener* listener = nullptr;
  KafkaErrorListener* errors = nullptr;
  Status fatal;
  std::vector<rd_kafka_message_t*> held;  // the last Poll's messages, freed by the next Poll
  std::vector<rd_kafka_message_t*> scratch;
  std::vector<MessageHeader> headers;  // the last Poll's messages' headers (views into `held`)
  std::vector<std::pair<size_t, size_t>> header_ranges;  // per message: [begin, end) of headers
  bool subscribed = false;  // a member of the group: leaves it when destroyed
  bool closed = false;
  // Client errors: a broker that stays down logs a few lines a minute, not one per retry.
  log::RateLimited error_log{10, std::chrono::seconds(60)};

  ~Impl() {
    ReleaseHeld();
    if (queue) rd_kafka_queue_destroy(queue);
    if (rk) {
      if (subscribed && !closed) {
        if (rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk)) {
          log::Write(log::Level::kWarn, "kafka",
                     std::string("consumer: leaving the group: ") + rd_kafka_err2str(err));
        }
      }
      rd_kafka_destroy(rk);
    }
  }

  void Latch(Status st) {
    if (fatal.ok()) fatal = std::move(st);
  }

  // A client error: counted and logged. librdkafka retries transient ones (a broker down) by
  // itself; a refusal (credentials, or an ACL on the topic or group) stops the source.
  void OnError(rd_kafka_resp_err_t code, const std::string& reason) {
    const bool refused =
        internal::IsAuthenticationError(code) || internal::IsAuthorizationError(code);
    internal::ReportError(errors, error_log, "consumer", code, reason,
                          refused ? log::Level::kError : log::Level::kWarn);
    if (refused) {
      Latch(internal::Refused("consumer", code,
                              reason + " (topic " + topic + ", group " + group + ")"));
    }
  }

  void ReleaseHeld() {
    for (auto* m : held) rd_kafka_message_destroy(m);
    held.clear();
  }

  static std::vector<int32_t> Partitions(const rd_kafka_topic_partition_list_t* parts) {
    std::vector<int32_t> ps;
    ps.reserve(static_cast<size_t>(parts->cnt));
    for (int i = 0; i < parts->cnt; ++i) ps.push_back(parts->elems[i].partition);
    return ps;
  }

  void OnRebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    rd_kafka_error_t* error = nullptr;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      auto offsets = listener ? listener->OnAssigned(Partitions(parts))
                              : Result<std::vector<std::optional<int64_t>>>(
                                    Status::Internal("no partition listener"));
      if (!offsets.ok()) {
        Latch(offsets.status());
        return;  // Poll reports the error; the process leaves the group.
      }
      for (int i = 0; i < parts->cnt; ++i) {
        parts->elems[i].offset =
            offsets.value()[static_cast<size_t>(i)].value_or(RD_KAFKA_OFFSET_BEGINNING);
      }
      if (cooperative) {
        error = rd_kafka_incremental_assign(rk, parts);
      } else if (rd_kafka_resp_err_t err2 = rd_kafka_assign(rk, parts)) {
        Latch(Status::Unavailable(std::string("assignment: ") + rd_kafka_err2str(err2)));
      }
    } else {
      if (listener) {
        Status st = listener->OnRevoked(Partitions(parts));
        if (!st.ok()) Latch(st);
      }
      if (cooperative) {
        error = rd_kafka_incremental_unassign(rk, parts);
      } else if (rd_kafka_resp_err_t err2 = rd_kafka_assign(rk, nullptr)) {
        Latch(Status::Unavailable(std::string("unassignment: ") + rd_kafka_err2str(err2)));
      }
    }
    if (error) {
      Latch(Status::Unavailable(std::string("assignment: ") + rd_kafka_error_string(error)));
      rd_kafka_error_destroy(error);
    }
  }
};

namespace {

void RebalanceCb(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                 void* opaque) {
  static_cast<KafkaSource::Impl*>(opaque)->OnRebalance(err, parts);
}

void ErrorCb(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* impl = static_cast<KafkaSource::Impl*>(opaque);
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512];
    const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof buf);
    internal::ReportError(impl->errors, impl->error_log, "consumer", orig, buf, log::Level::kError);
    impl->Latch(Status::Unavailable(std::string("Kafka fatal error: ") + buf));
    return;
  }
  impl->OnError(code, reason ? reason : "");
}

// Kafka's committed offsets are informational (lag tools read them); a failed commit is counted
// and logged, never fatal: Kinerja resumes from its own store.
void OffsetCommitCb(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*,
                    void* opaque) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  auto* impl = static_cast<KafkaSource::Impl*>(opaque);
  internal::ReportError(impl->errors, impl->error_log, "consumer", err,
                        "committing offsets to Kafka (informational) failed");
}

// librdkafka's limits for a prefetch budget in bytes. A queued message holds its decompressed
// bytes and about 640 bytes of structs; with simulated events (280 to 500 bytes of JSON) about
// 1 KiB all told (measured: docs/benchmarks.md, "Memory budgets"), so the bound on the number of
// messages is budget / 1 KiB. The byte bound (queued.max.messages.kbytes, which librdkafka
// compares with the messages' decompressed bytes) is half the budget, the other half being the
// structs. At a quarter the queue ran dry while the next fetch was on its way: on a replayed
// year, 40 to 60 polls of 100 ms a run came back empty (docs/benchmarks.md, "Issue 12"). One fetch
// (fetch.max.bytes, by which the queue can overshoot) is 1/8 of the budget: smaller fetches starve
// the pipeline (a round trip to the broker per fetch). A full queue pauses fetching for
// fetch.error.backoff.ms (librdkafka 2.0): 20 ms, not 500, or the pipeline waits for it.
struct Prefetch {
  size_t messages;
  size_t kbytes;
  size_t fetch_bytes;
};
Prefetch PrefetchLimits(size_t budget) {
  return {std::max<size_t>(budget >> 10, 10000), std::max<size_t>(budget / 2 >> 10, 1024),
          std::max<size_t>(budget / 8, 1 << 20)};
}

}  // namespace

KafkaSource::KafkaSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KafkaSource::~KafkaSource() = default;  // Impl closes and destroys the client

Result<std::unique_ptr<KafkaSource>> KafkaSource::Create(const KafkaSourceOptions& options) {
  if (options.brokers.empty()) return Status::InvalidArgument("brokers: must not be empty");
  if (options.topic.empty()) return Status::InvalidArgument("topic: must not be empty");
  auto impl = std::make_unique<Impl>();
  impl->topic = options.topic;
  impl->errors = options.errors;
  const Prefetch prefetch = PrefetchLimits(options.prefetch_bytes);
  KafkaProperties defaults = {
      {"bootstrap.servers", options.brokers},
      {"group.id", options.group_id},
      {"client.id", options.client_id},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      // Prefetch within the memory budget (PrefetchLimits).
      {"queued.min.messages", std::to_string(prefetch.messages)},
      {"queued.max.messages.kbytes", std::to_string(prefetch.kbytes)},
      {"fetch.max.bytes", std::to_string(prefetch.fetch_bytes)},
      {"fetch.error.backoff.ms", "20"},
      {"fetch.wait.max.ms", "100"},
  };
  if (!options.group_instance_id.empty()) {
    defaults["group.instance.id"] = options.group_instance_id;
  }
  const KafkaProperties props = internal::Merge(std::move(defaults), options.extra);
  if (props.at("group.id").empty()) return Status::InvalidArgument("group.id: must not be empty");
  impl->group = props.at("group.id");  // the properties may override the option
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (Status st = internal::SetAll(conf, props); !st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  rd_kafka_conf_set_opaque(conf, impl.get());
  rd_kafka_conf_set_rebalance_cb(conf, RebalanceCb);
  rd_kafka_conf_set_error_cb(conf, ErrorCb);
  rd_kafka_conf_set_offset_commit_cb(conf, OffsetCommitCb);
  auto client = internal::NewClient(RD_KAFKA_CONSUMER, conf, "consumer");
  if (!client.ok()) return client.status();
  impl->rk = *client;
  // From here `impl` owns the client: an early return destroys it (no leaked handle).
  if (rd_kafka_resp_err_t err = rd_kafka_poll_set_consumer(impl->rk)) {
    return Status::Internal(std::string("consumer queue: ") + rd_kafka_err2str(err));
  }
  impl->queue = rd_kafka_queue_get_consumer(impl->rk);
  rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, options.topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(impl->rk, sub);
  rd_kafka_topic_partition_list_destroy(sub);
  if (err) {
    return Status::InvalidArgument("topic " + options.topic +
                                   ": cannot subscribe: " + rd_kafka_err2str(err));
  }
  impl->subscribed = true;
  return std::unique_ptr<KafkaSource>(new KafkaSource(std::move(impl)));
}

void KafkaSource::SetListener(PartitionListener* listener) { impl_->listener = listener; }

Status KafkaSource::Poll(std::vector<Message>* out, size_t max, std::chrono::milliseconds timeout) {
  impl_->ReleaseHeld();
  if (!impl_->fatal.ok()) return impl_->fatal;
  impl_->scratch.resize(max);
  impl_->headers.clear();
  impl_->header_ranges.clear();
  const size_t first = out->size();
  // rd_kafka_consume_batch_queue waits until the batch is full or the timeout passes: under
  // light traffic every batch would wait the whole timeout (event age). So: wait for the first
  // message, then take what else is there now.
  ssize_t n = max == 0
                  ? 0
                  : rd_kafka_consume_batch_queue(impl_->queue, static_cast<int>(timeout.count()),
                                                 impl_->scratch.data(), 1);
  if (n == 1 && max > 1) {
    const ssize_t more =
        rd_kafka_consume_batch_queue(impl_->queue, 0, impl_->scratch.data() + 1, max - 1);
    if (more > 0) n += more;  // an error here shows again at the next Poll
  }
  if (n < 0)
    return Status::Unavailable(std::string("consume: ") + rd_kafka_err2str(rd_kafka_last_error()));
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* m = impl_->scratch[static_cast<size_t>(i)];
    impl_->held.push_back(m);
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        impl_->OnError(m->err, std::string("consume: ") + rd_kafka_message_errstr(m));
      }
      continue;
    }
    Message msg;
    msg.partition = m->partition;
    msg.offset = m->offset;
    rd_kafka_timestamp_type_t tstype;
    msg.timestamp_ms = rd_kafka_message_timestamp(m, &tstype);
    if (m->key) msg.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) msg.value = std::string_view(static_cast<const char*>(m->payload), m->len);
    auto& range = impl_->header_ranges.emplace_back(impl_->headers.size(), impl_->headers.size());
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* value;
      size_t size;
      for (size_t h = 0; !rd_kafka_header_get_all(hdrs, h, &name, &value, &size); ++h) {
        impl_->headers.push_back({name, value ? std::optional<std::string_view>(std::string_view(
                                                    static_cast<const char*>(value), size))
                                              : std::nullopt});
      }
      range.second = impl_->headers.size();
    }
    out->push_back(msg);
  }
  // Spans only now: `headers` no longer moves.
  for (size_t i = 0; i < impl_->header_ranges.size(); ++i) {
    const auto [begin, end] = impl_->header_ranges[i];
    (*out)[first + i].headers =
        std::span<const MessageHeader>(impl_->headers.data() + begin, end - begin);
  }
  return impl_->fatal;
}

void KafkaSource::ReportProgress(const std::vector<PartitionOffset>& offsets) {
  if (offsets.empty()) return;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& po : offsets) {
    rd_kafka_topic_partition_list_add(list, impl_->topic.c_str(), po.partition)->offset = po.offset;
  }
  // Asynchronous and best effort: the truth is in Kinerja's store. An immediate refusal (e.g.
  // not in a group any more) is counted and logged like a failed asynchronous commit.
  if (rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk, list, 1)) {
    OffsetCommitCb(impl_->rk, err, list, impl_.get());
  }
  rd_kafka_topic_partition_list_destroy(list);
}

std::optional<int64_t> KafkaSource::HighWatermark(int32_t partition) {
  int64_t lo = 0, hi = 0;
  if (rd_kafka_get_watermark_offsets(impl_->rk, impl_->topic.c_str(), partition, &lo, &hi) ||
      hi < 0) {
    return std::nullopt;
  }
  return hi;
}

Result<std::vector<int64_t>> KafkaSource::QueryEndOffsets(std::chrono::milliseconds timeout) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(impl_->rk, impl_->topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(impl_->rk, 0, rkt, &md, static_cast<int>(timeout.count()));
  rd_kafka_topic_destroy(rkt);
  if (err) return Status::Unavailable(std::string("metadata: ") + rd_kafka_err2str(err));
  int partitions = 0;
  if (md->topic_cnt == 1 && !md->topics[0].err) partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  if (partitions == 0) return Status::NotFound("topic " + impl_->topic + " does not exist");
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, impl_->topic.c_str(), p)->offset = RD_KAFKA_OFFSET_END;
  }
  err = rd_kafka_offsets_for_times(impl_->rk, list, static_cast<int>(timeout.count()));
  std::vector<int64_t> ends(static_cast<size_t>(partitions), 0);
  for (int i = 0; i < list->cnt && !err; ++i) {
    if (list->elems[i].err) err = list->elems[i].err;
    ends[static_cast<size_t>(list->elems[i].partition)] = list->elems[i].offset;
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err) return Status::Unavailable(std::string("end offsets: ") + rd_kafka_err2str(err));
  return ends;
}

Status KafkaSource::Close() {
  impl_->ReleaseHeld();
  if (impl_->closed) return Status::OK();
  impl_->closed = true;
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(impl_->rk);
  if (err) return Status::Unavailable(std::string("leaving the group: ") + rd_kafka_err2str(err));
  return impl_->fatal;
}

}  // namespace kinerja::ingest
