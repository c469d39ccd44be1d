// The librdkafka properties of a Kafka subcommand (run, simulate, publish, create-topics), from
// three places, each overriding the one before (README, "Configuration reference"):
//   1. a properties file, --kafka-config FILE (KINERJA_KAFKA_CONFIG): where secrets belong;
//   2. the environment variables of kKafkaEnv (credentials from a secret store);
//   3. --kafka-property NAME=VALUE flags.
// They override Kinerja's own defaults (ingest/include/ingest/kafka.h). Every error is
// InvalidArgument naming the file and line, or the flag; a value is never echoed (it may be a
// secret).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/kafka.h"

namespace kinerja::app {

// The environment variables that set a librdkafka property (an empty one counts as unset).
struct KafkaEnvVariable {
  const char* variable;
  const char* property;
};
inline constexpr KafkaEnvVariable kKafkaEnv[] = {
    {"KINERJA_KAFKA_SASL_USERNAME", "sasl.username"},
    {"KINERJA_KAFKA_SASL_PASSWORD", "sasl.password"},
    {"KINERJA_KAFKA_SSL_KEY_PASSWORD", "ssl.key.password"},
};

// Reads a librdkafka properties file: NAME=VALUE lines (whitespace around NAME and VALUE is
// ignored), '#' comment lines and blank lines; a NAME set twice is an error. The file may hold
// secrets, so it is refused when group or others may read or write it (chmod 600).
Result<ingest::KafkaProperties> ReadKafkaConfig(const std::string& path);

// Parses --kafka-property flags ("NAME=VALUE"; a later one wins).
Result<ingest::KafkaProperties> ParseKafkaProperties(const std::vector<std::string>& flags);

// Looks an environment variable up (std::getenv, or a map in tests); nullptr when unset.
using Getenv = std::function<const char*(const char*)>;

// The file (when `config_file` is not empty), then the environment, then the flags. A secret
// given as a flag is taken, with a warning that command lines are visible to other users.
Result<ingest::KafkaProperties> ResolveKafkaProperties(const std::string& config_file,
                                                       const std::vector<std::string>& flags,
                                                       const Getenv& getenv);

}  // namespace kinerja::app
