// The Kafka client configuration of the Kafka subcommands (app/kafka_config.h): the properties
// file, its permission check, the environment's secrets and the flags' precedence; then the
// binary's refusals at startup (exit 2, naming the file or line), offline.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "kafka_config.h"
#include "recorders.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;

namespace {

// Writes `text` to `path` with permission bits `mode`.
std::string WriteConfig(const std::string& path, const std::string& text, mode_t mode = 0600) {
  std::ofstream(path, std::ios::binary) << text;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

app::Getenv Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

}  // namespace

TEST_CASE("a Kafka properties file: NAME=VALUE lines, comments, blank lines, whitespace") {
  TempDir dir;
  const auto path = WriteConfig(dir / "kafka.properties",
                                "# the agency cluster\n"
                                "\n"
                                "security.protocol=SASL_SSL\r\n"
                                "  sasl.mechanisms = SCRAM-SHA-512  \n"
                                "\t# indented comment\n"
                                "sasl.password=p=ss#word\n"
                                "ssl.ca.location=/etc/ssl/ca one.pem\n"
                                "client.id=");
  auto props = app::ReadKafkaConfig(path);
  REQUIRE(props.ok());
  CHECK(*props == ingest::KafkaProperties{{"security.protocol", "SASL_SSL"},
                                          {"sasl.mechanisms", "SCRAM-SHA-512"},
                                          {"sasl.password", "p=ss#word"},
                                          {"ssl.ca.location", "/etc/ssl/ca one.pem"},
                                          {"client.id", ""}});
  // Owner-only modes stricter than 0600 are fine too.
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(app::ReadKafkaConfig(path).ok());
}

TEST_CASE("a properties file that group or others may read or write is refused") {
  TempDir dir;
  for (mode_t mode : {0640, 0620, 0604, 0602, 0644, 0666}) {
    const auto path = WriteConfig(dir / "kafka.properties", "sasl.password=Rahasia-42\n", mode);
    auto props = app::ReadKafkaConfig(path);
    INFO(std::oct << mode);
    REQUIRE_FALSE(props.ok());
    CHECK(props.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(props.status().message(), Catch::Contains("--kafka-config " + path) &&
                                             Catch::Contains("group or others") &&
                                             Catch::Contains("chmod 600"));
    CHECK_THAT(props.status().message(), !Catch::Contains("Rahasia"));
  }
  // Execute bits alone give nobody the secrets.
  CHECK(app::ReadKafkaConfig(WriteConfig(dir / "x.properties", "acks=all\n", 0711)).ok());
}

TEST_CASE("a missing, unreadable or malformed properties file is refused naming it") {
  TempDir dir;
  auto missing = app::ReadKafkaConfig(dir / "nope.properties");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(),
             Catch::Contains(dir / "nope.properties") && Catch::Contains("No such file"));
  auto directory = app::ReadKafkaConfig(dir.path().string());
  REQUIRE_FALSE(directory.ok());
  CHECK_THAT(directory.status().message(), Catch::Contains("not a regular file"));

  const std::map<std::string, std::string> malformed = {
      {"acks=all\nsasl.password Rahasia-42\n", ":2: expected NAME=VALUE"},
      {"\n=Rahasia-42\n", ":2: expected NAME=VALUE"},
      {"sasl password=Rahasia-42\n", ":1: expected NAME=VALUE"},
      {"acks=1\n# c\nacks=all\n", ":3: acks is already set on line 1"},
  };
  for (const auto& [text, expected] : malformed) {
    const auto path = WriteConfig(dir / "bad.properties", text);
    auto props = app::ReadKafkaConfig(path);
    INFO(text);
    REQUIRE_FALSE(props.ok());
    CHECK(props.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(props.status().message(), Catch::Contains(path + expected));
    CHECK_THAT(props.status().message(), !Catch::Contains("Rahasia"));  // a line is never echoed
  }
}

TEST_CASE("properties come from the file, then the environment, then --kafka-property") {
  TempDir dir;
  const auto path = WriteConfig(dir / "kafka.properties",
                                "sasl.username=file-user\nsasl.password=file-pw\nacks=1\n");
  LogCapture logs;
  auto props = app::ResolveKafkaProperties(
      path, {"acks=all", "linger.ms=7"},
      Env({{"KINERJA_KAFKA_SASL_PASSWORD", "env-pw"}, {"KINERJA_KAFKA_SASL_USERNAME", ""}}));
  REQUIRE(props.ok());
  CHECK(*props == ingest::KafkaProperties{{"sasl.username", "file-user"},  // empty: unset
                                          {"sasl.password", "env-pw"},
                                          {"acks", "all"},
                                          {"linger.ms", "7"}});
  CHECK(logs.With("").empty());

  props = app::ResolveKafkaProperties(
      "", {"sasl.password=flag-pw"},
      Env({{"KINERJA_KAFKA_SASL_PASSWORD", "env-pw"}, {"KINERJA_KAFKA_SSL_KEY_PASSWORD", "k"}}));
  REQUIRE(props.ok());
  CHECK(*props == ingest::KafkaProperties{{"sasl.password", "flag-pw"}, {"ssl.key.password", "k"}});
  // A secret on the command line works, with a warning that does not repeat it.
  CHECK_THAT(logs.All(),
             Catch::Contains("level=warn") && Catch::Contains("--kafka-property sasl.password") &&
                 Catch::Contains("visible to other users") && !Catch::Contains("flag-pw"));

  auto bad = app::ResolveKafkaProperties("", {"acks"}, Env({}));
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains("--kafka-property"));
  bad = app::ResolveKafkaProperties(dir / "missing", {}, Env({}));
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.status().message(), Catch::Contains(dir / "missing"));
}

TEST_CASE("every Kafka subcommand refuses a bad --kafka-config at startup with exit 2") {
  TempDir dir;
  const auto open = WriteConfig(dir / "open.properties", "sasl.password=Rahasia-42\n", 0644);
  const auto malformed = WriteConfig(dir / "bad.properties", "acks=all\nRahasia-42\n");
  const auto events = dir / "events.ndjson";
  std::ofstream(events) << "\n";
  const std::string state = dir / "state";
  const std::vector<std::vector<std::string>> commands = {
      {"run", "--state-dir", state, "--metrics-address", "127.0.0.1:0"},
      {"publish", events},
      {"simulate", "--max-events", "1"},
      {"create-topics"},
  };
  for (const auto& command : commands) {
    for (const auto& [file, expected] :
         std::vector<std::pair<std::string, std::string>>{{open, open + ": group or others"},
                                                          {malformed, malformed + ":2: "},
                                                          {dir / "none", dir / "none"}}) {
      std::vector<std::string> argv = {KinerjaBinary()};
      argv.insert(argv.end(), command.begin(), command.end());
      argv.insert(argv.end(), {"--brokers", "127.0.0.1:1", "--kafka-config", file});
      std::string out;
      INFO(command[0] << " " << file);
      CHECK(RunCommand(argv, &out) == 2);
      CHECK_THAT(out, Catch::Contains(expected) && !Catch::Contains("Rahasia"));
    }
  }
  // The same through the environment; nothing was created for a refused configuration.
  ScopedEnv env("KINERJA_KAFKA_CONFIG", open);
  std::string out;
  CHECK(RunCommand({KinerjaBinary(), "run", "--brokers", "127.0.0.1:1", "--state-dir", state},
                   &out) == 2);
  CHECK_THAT(out, Catch::Contains(open + ": group or others"));
  CHECK_FALSE(std::filesystem::exists(state));
}
