// Private helpers shared by the librdkafka wrappers.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

#include "core/status.h"
#include "ingest/kafka.h"

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

}  // namespace kinerja::ingest::internal
