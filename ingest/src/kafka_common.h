// Private helpers shared by the librdkafka wrappers.
#pragma once

#include <librdkafka/rdkafka.h>

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

// Routes librdkafka's own log lines (connection failures, retries) into kinerja::log with
// their level and a rate limit, instead of librdkafka's raw stderr printer.
void InstallLogger(rd_kafka_conf_t* conf);

// A client error: counted (when a listener is set) and logged at `level` through `site`. The
// message holds librdkafka's error name and text: broker addresses and codes, no event content.
void ReportError(KafkaErrorListener* errors, log::RateLimited& site, std::string_view client,
                 rd_kafka_resp_err_t code, std::string_view reason,
                 log::Level level = log::Level::kWarn);

}  // namespace kinerja::ingest::internal
