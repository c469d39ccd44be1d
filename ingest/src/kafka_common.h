// Private helpers shared by the librdkafka wrappers.
#pragma once

#include <librdkafka/rdkafka.h>

#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/kafka.h"
#include "log/log.h"

namespace kinerja::ingest::internal {

// Applies properties to a librdkafka config, naming the offending property on failure.
inline Status SetAll(rd_kafka_conf_t* conf, const KafkaProperties& props) {
  char errstr[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      return Status::InvalidArgument("Kafka property " + k + ": " + errstr);
    }
  }
  return Status::OK();
}

inline KafkaProperties Merge(KafkaProperties base, const KafkaProperties& extra) {
  for (const auto& [k, v] : extra) base[k] = v;
  return base;
}

// Creates a librdkafka client from `conf`, whose own log lines (connection failures, retries)
// go to kinerja::log with their level and a rate limit instead of librdkafka's raw stderr
// printer. On success the client owns `conf`; on failure `conf` is destroyed and the error is
// InvalidArgument("Kafka <what>: <librdkafka's reason>").
Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf, std::string_view what);

// Refusals that retrying with the same configuration cannot cure: the credentials were refused
// (authentication), or the principal lacks an ACL (authorization). Kinerja stops on them, as the
// Java clients do, instead of retrying for ever (docs/architecture.md, "Secured clusters").
bool IsAuthenticationError(rd_kafka_resp_err_t code);
bool IsAuthorizationError(rd_kafka_resp_err_t code);
// The PermissionDenied status of such a refusal: "Kafka authentication failed (CLIENT: CODE):
// REASON" (or authorization).
Status Refused(std::string_view client, rd_kafka_resp_err_t code, std::string_view reason);

// Refused credentials, kept by a client's error callback (librdkafka's threads) for the calls
// that must then fail at once. Thread-safe.
class RefusalLatch {
 public:
  // Counts and logs a client error (ReportError; at error level when it is a refusal), and keeps
  // the first authentication refusal.
  void OnClientError(KafkaErrorListener* errors, log::RateLimited& site, std::string_view client,
                     rd_kafka_resp_err_t code, const char* reason);
  Status status() const;  // OK until credentials were refused

 private:
  mutable std::mutex mu_;
  Status refused_;  // guarded by mu_
};

// A client error: counted (when a listener is set) and logged at `level` through `site`. The
// message holds librdkafka's error name and text: broker addresses and codes, no event content.
void ReportError(KafkaErrorListener* errors, log::RateLimited& site, std::string_view client,
                 rd_kafka_resp_err_t code, std::string_view reason,
                 log::Level level = log::Level::kWarn);

}  // namespace kinerja::ingest::internal
