// Secured clusters: the kinerja binary against a broker whose only client listener is SASL_SSL
// (SCRAM-SHA-512, TLS with a CA of its own) and that enforces ACLs (ops/kafka.sh start --secure,
// the "kafka_secure" fixture). Its users: admin (super user), kinerja (reads kinerja.events*,
// uses groups kinerja*, writes kinerja.events.dlq*) and kinerja-readonly (the same without any
// write right); each has a librdkafka properties file in the broker's directory.
#include <catch2/catch.hpp>

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "ingest/kafka.h"
#include "kafka_config.h"
#include "kinerja_cli.h"
#include "recorders.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;
using namespace std::chrono_literals;

namespace {

const std::string kNip = "198609262015051001";
// What "fails fast" means here: librdkafka would otherwise retry for ever.
constexpr auto kFast = 30s;

std::string SecureDir() {
  const char* dir = std::getenv("KINERJA_TEST_KAFKA_DIR");
  return dir ? dir : "";
}

// A user's librdkafka properties file, written by ops/kafka.sh (mode 600).
std::string Config(const std::string& user) { return SecureDir() + "/" + user + ".properties"; }

ingest::KafkaProperties Properties(const std::string& user) {
  auto props = app::ReadKafkaConfig(Config(user));
  if (!props.ok()) throw std::runtime_error(props.status().ToString());
  return *props;
}

// A properties file of `user` in `dir` (mode 600) with `password`, or without any password
// when it is empty.
std::string ConfigWithPassword(const TempDir& dir, const std::string& user,
                               const std::string& password) {
  const std::string path = dir / (user + "-" + password + ".properties");
  {
    std::ofstream out(path);
    for (const auto& [name, value] : Properties(user)) {
      if (name != "sasl.password") out << name << "=" << value << "\n";
    }
    if (!password.empty()) out << "sasl.password=" << password << "\n";
  }
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  return path;
}

struct Topics {
  std::string events, dlq;
};

std::vector<std::string> Kinerja(std::vector<std::string> args) {
  args.insert(args.begin(), {KinerjaBinary()});
  args.insert(args.begin() + 2, {"--brokers", TestBrokers()});
  return args;
}

// Fresh topics under the ACLs' prefixes, made by `kinerja create-topics` as admin.
Topics CreateTopics(const std::string& name, int partitions) {
  const std::string events = UniqueTopic("kinerja.events." + name);
  Topics t{events, "kinerja.events.dlq." + events.substr(std::string("kinerja.events.").size())};
  std::string out;
  if (RunCommand(Kinerja({"create-topics", "--kafka-config", Config("admin"), "--topic", t.events,
                          "--dlq-topic", t.dlq, "--partitions", std::to_string(partitions)}),
                 &out) != 0) {
    throw std::runtime_error("create-topics failed: " + out);
  }
  return t;
}

std::vector<std::string> Run(const Topics& t, const std::string& config, const std::string& state,
                             const std::string& group) {
  return Kinerja({"run", "--kafka-config", config, "--topic", t.events, "--dlq-topic", t.dlq,
                  "--group", group, "--state-dir", state, "--metrics-address", "127.0.0.1:0"});
}

std::vector<std::string> Replay(const Topics& t, const std::string& config,
                                const std::string& state, const std::string& group) {
  auto args = Run(t, config, state, group);
  args.push_back("--stop-at-end");
  return args;
}

// Publishes `lines` as admin without validating them (the pipeline dead-letters invalid ones).
void Publish(const TempDir& dir, const Topics& t, const std::vector<std::string>& lines) {
  const std::string file = dir / (UniqueTopic("events") + ".ndjson");
  {
    std::ofstream out(file);
    for (const auto& l : lines) out << l << "\n";
  }
  std::string out;
  REQUIRE(RunCommand(Kinerja({"publish", "--no-validate", "--kafka-config", Config("admin"),
                              "--topic", t.events, file}),
                     &out) == 0);
}

// Runs a command to completion; returns its exit code and how long it took.
std::pair<int, std::chrono::steady_clock::duration> Timed(const std::vector<std::string>& argv,
                                                          std::string* out) {
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = RunCommand(argv, out);
  return {rc, std::chrono::steady_clock::now() - t0};
}

double ActivitySeconds(const std::string& state) {
  return KpiValue(ReadKpis(state), "kinerja_activity_seconds",
                  {{"agency", "A1"}, {"month", "2026-03"}, {"category", "substantive"}});
}

std::string Upsert(const std::string& id) { return Ev::Upsert(id, kNip, "A1"); }
std::string Activity(const std::string& id, int minutes) {
  return Ev::Activity(id, kNip, "2026-03-10", minutes, "substantive");  // 0 minutes: invalid
}

// Adds or removes, as admin, an ACL that denies `principal` writes to `topic` (a DENY wins over
// the prefixed ALLOW ops/kafka.sh gives).
void DenyWrites(const std::string& principal, const std::string& topic, bool deny) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [name, value] : Properties("admin")) {
    REQUIRE(rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) == 0);
  }
  REQUIRE(rd_kafka_conf_set(conf, "bootstrap.servers", TestBrokers().c_str(), errstr,
                            sizeof errstr) == 0);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  REQUIRE(rk);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AclBinding_t* acl = rd_kafka_AclBinding_new(
      RD_KAFKA_RESOURCE_TOPIC, topic.c_str(), RD_KAFKA_RESOURCE_PATTERN_LITERAL,
      ("User:" + principal).c_str(), "*", RD_KAFKA_ACL_OPERATION_WRITE,
      RD_KAFKA_ACL_PERMISSION_TYPE_DENY, errstr, sizeof errstr);
  REQUIRE(acl);
  if (deny) {
    rd_kafka_CreateAcls(rk, &acl, 1, nullptr, queue);
  } else {
    rd_kafka_DeleteAcls(rk, &acl, 1, nullptr, queue);  // a binding is its own exact filter
  }
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 30000);
  REQUIRE(ev);
  INFO((rd_kafka_event_error_string(ev) ? rd_kafka_event_error_string(ev) : ""));
  CHECK(rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_event_destroy(ev);
  rd_kafka_AclBinding_destroy(acl);
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy(rk);
}

// Waits until `user` may (or may not) write to `topic`, as the broker's authorizer sees it.
bool WaitWritable(const std::string& user, const std::string& topic, bool writable) {
  return WaitFor(
      [&] {
        const Status st =
            ingest::CheckTopicWritable({TestBrokers(), "test", Properties(user)}, topic, 10s);
        return writable ? st.ok() : st.code() == Status::Code::kPermissionDenied;
      },
      30s);
}

}  // namespace

TEST_CASE("SASL_SSL: create-topics, publish, run and simulate work with the right credentials") {
  REQUIRE_FALSE(TestBrokers().empty());
  TempDir dir;
  const Topics t = CreateTopics("ok", 2);
  {
    // The properties file through the environment.
    ScopedEnv config("KINERJA_KAFKA_CONFIG", Config("admin"));
    Publish(dir, t,
            {Upsert("ok-0"), Activity("ok-1", 30), Activity("ok-2", 0), Activity("ok-3", 45)});
  }
  std::string out;
  {
    // The password only in the environment, the rest in a file.
    const std::string no_password = ConfigWithPassword(dir, "kinerja", "");
    ScopedEnv password("KINERJA_KAFKA_SASL_PASSWORD", Properties("kinerja").at("sasl.password"));
    REQUIRE(RunCommand(Replay(t, no_password, dir / "state", "kinerja-ok"), &out) == 0);
  }
  CHECK(ActivitySeconds(dir / "state") == 75 * 60);
  const auto dead = ReadTopic(TestBrokers(), t.dlq, Properties("admin"));
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].headers.at("kinerja.reason") == "invalid_data");
  CHECK(dead[0].value == Activity("ok-2", 0));

  REQUIRE(RunCommand(Kinerja({"simulate", "--kafka-config", Config("admin"), "--topic", t.events,
                              "--employees", "3", "--max-events", "10"}),
                     &out) == 0);
  CHECK_THAT(out, Catch::Contains("produced 10 events"));
  CHECK(ReadTopic(TestBrokers(), t.events, Properties("admin")).size() == 4 + 10);
}

TEST_CASE(
    "SASL_SSL: with a wrong password every command fails fast, exit 1, naming "
    "authentication") {
  TempDir dir;
  const Topics t = CreateTopics("wrongpw", 1);
  const std::string admin = ConfigWithPassword(dir, "admin", "wrong-password");
  const std::string kinerja = ConfigWithPassword(dir, "kinerja", "wrong-password");
  const std::string events = dir / "events.ndjson";
  std::ofstream(events) << Activity("pw-1", 30) << "\n";
  const std::vector<std::vector<std::string>> commands = {
      Kinerja({"create-topics", "--kafka-config", admin, "--topic", t.events + "-x"}),
      Kinerja({"publish", "--kafka-config", admin, "--topic", t.events, events}),
      Kinerja({"simulate", "--kafka-config", admin, "--topic", t.events, "--max-events", "5"}),
      Run(t, kinerja, dir / "state", "kinerja-wrongpw"),
  };
  for (const auto& argv : commands) {
    std::string out;
    const auto [rc, took] = Timed(argv, &out);
    INFO(argv[1] << ":\n" << out);
    CHECK(rc == 1);
    CHECK(took < kFast);
    CHECK_THAT(out, Catch::Contains("Kafka authentication failed") &&
                        Catch::Contains("SASL authentication error"));
    // Logged where it is counted (ingest::KafkaErrorListener), never retried for ever.
    CHECK_THAT(out, Catch::Contains("component=kafka") && Catch::Contains("_AUTHENTICATION"));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "state"));  // run stopped before opening its state
  CHECK(ReadTopic(TestBrokers(), t.events, Properties("admin")).empty());
}

TEST_CASE(
    "SASL_SSL: a consumer and a producer with a wrong password stop, and the refusal is "
    "counted") {
  ingest::KafkaProperties wrong = Properties("kinerja");
  wrong["sasl.password"] = "wrong-password";
  RecordingErrorListener errors;
  ingest::KafkaSourceOptions options;
  options.brokers = TestBrokers();
  options.topic = UniqueTopic("kinerja.events.wrongpw");
  options.group_id = "kinerja-wrongpw";
  options.extra = wrong;
  options.errors = &errors;
  auto source = ingest::KafkaSource::Create(options);
  REQUIRE(source.ok());
  std::vector<ingest::Message> messages;
  Status polled;
  const auto t0 = std::chrono::steady_clock::now();
  while (polled.ok() && std::chrono::steady_clock::now() - t0 < kFast) {
    polled = (*source)->Poll(&messages, 100, 100ms);
  }
  CHECK(polled.code() == Status::Code::kPermissionDenied);
  CHECK_THAT(polled.message(), Catch::Contains("Kafka authentication failed (consumer") &&
                                   Catch::Contains(options.topic) &&
                                   Catch::Contains("kinerja-wrongpw"));
  CHECK(errors.Saw("consumer", "_AUTHENTICATION"));

  auto producer = ingest::KafkaProducer::Create({TestBrokers(), "test", wrong, &errors});
  REQUIRE(producer.ok());
  REQUIRE((*producer)->Send(options.topic, "k", "v").ok());
  const auto t1 = std::chrono::steady_clock::now();
  const Status flushed = (*producer)->Flush(2min);
  CHECK(std::chrono::steady_clock::now() - t1 < kFast);
  CHECK(flushed.code() == Status::Code::kPermissionDenied);
  CHECK_THAT(flushed.message(), Catch::Contains("Kafka authentication failed (producer"));
  CHECK(errors.Saw("producer", "_AUTHENTICATION"));
  CHECK((*producer)->Send(options.topic, "k", "v").code() == Status::Code::kPermissionDenied);
  const auto t2 = std::chrono::steady_clock::now();
  producer->reset();  // drops what is queued instead of waiting for a delivery
  CHECK(std::chrono::steady_clock::now() - t2 < 5s);
}

TEST_CASE(
    "SASL_SSL: run without the right to write the DLQ stops at startup naming it, and "
    "commits nothing") {
  TempDir dir;
  const Topics t = CreateTopics("nodlq", 2);
  Publish(dir, t,
          {Upsert("nd-0"), Activity("nd-1", 30), Activity("nd-2", 0), Activity("nd-3", 45)});
  std::string out;
  const auto [rc, took] =
      Timed(Replay(t, Config("kinerja-readonly"), dir / "state", "kinerja-nodlq"), &out);
  INFO(out);
  CHECK(rc == 1);
  CHECK(took < kFast);
  CHECK_THAT(out, Catch::Contains("checking dead-letter topic " + t.dlq) &&
                      Catch::Contains("Kafka authorization failed") &&
                      Catch::Contains("TOPIC_AUTHORIZATION_FAILED"));
  CHECK_FALSE(std::filesystem::exists(dir / "state"));  // nothing consumed, nothing committed
  // The same events with the right principal: each applied once, the reject dead-lettered.
  REQUIRE(RunCommand(Replay(t, Config("kinerja"), dir / "state", "kinerja-nodlq"), &out) == 0);
  CHECK(ActivitySeconds(dir / "state") == 75 * 60);
  CHECK(ReadTopic(TestBrokers(), t.dlq, Properties("admin")).size() == 1);
}

TEST_CASE(
    "SASL_SSL: a DLQ write refused mid-run stops run before it commits past the reject, and "
    "allowed again, a restart resumes exactly") {
  TempDir dir;
  const Topics t = CreateTopics("revoked", 1);  // one partition: offsets in publishing order
  Publish(dir, t, {Upsert("rv-0"), Activity("rv-1", 10)});
  const std::string log = dir / "run.log";
  auto run = std::make_unique<Process>(Run(t, Config("kinerja"), dir / "state", "kinerja-rv"), log);
  int port = 0;
  REQUIRE(WaitFor([&] { return (port = AnnouncedMetricsPort(ReadFile(log))) > 0; }, 30s));
  const auto applied = [&] {
    auto body = HttpGet(port, "/metrics");
    return body ? SumSamples(*body, "kinerja_events_total{outcome=\"applied\"") : -1.0;
  };
  REQUIRE(WaitFor([&] { return applied() == 2; }, 30s));

  DenyWrites("kinerja", t.dlq, true);
  REQUIRE(WaitWritable("kinerja", t.dlq, false));
  // Offsets 2, 3 (invalid: its dead letter is refused) and 4.
  Publish(dir, t, {Activity("rv-2", 20), Activity("rv-3", 0), Activity("rv-4", 40)});
  const auto rc = run->Wait(60s);
  INFO(ReadFile(log));
  REQUIRE(rc.has_value());
  CHECK(*rc == 1);
  CHECK_THAT(ReadFile(log), Catch::Contains("dead letters to topic " + t.dlq) &&
                                Catch::Contains("Kafka authorization failed") &&
                                Catch::Contains("TOPIC_AUTHORIZATION_FAILED"));
  run.reset();
  // Committed: offset 1, perhaps 2 (if it came in a batch of its own), never 4.
  const double committed = ActivitySeconds(dir / "state");
  CHECK((committed == 10 * 60 || committed == 30 * 60));
  CHECK(ReadTopic(TestBrokers(), t.dlq, Properties("admin")).empty());

  DenyWrites("kinerja", t.dlq, false);
  REQUIRE(WaitWritable("kinerja", t.dlq, true));
  std::string out;
  REQUIRE(RunCommand(Replay(t, Config("kinerja"), dir / "state", "kinerja-rv"), &out) == 0);
  CHECK(ActivitySeconds(dir / "state") == 70 * 60);  // nothing twice, nothing missed
  const auto dead = ReadTopic(TestBrokers(), t.dlq, Properties("admin"));
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].headers.at("kinerja.source.offset") == "3");
  CHECK(dead[0].headers.at("kinerja.reason") == "invalid_data");
}

TEST_CASE("SASL_SSL: run stops at startup for a group outside its ACLs or a missing DLQ topic") {
  TempDir dir;
  const Topics t = CreateTopics("refusals", 1);
  Publish(dir, t, {Upsert("rf-0")});  // something to consume: the group must be joined
  const std::string outsider = UniqueTopic("outsider");  // not under the kinerja* group prefix
  std::string out;
  auto [rc, took] = Timed(Replay(t, Config("kinerja"), dir / "state", outsider), &out);
  CHECK(rc == 1);
  CHECK(took < kFast);
  CHECK_THAT(out, Catch::Contains("Kafka authorization failed (consumer: "
                                  "GROUP_AUTHORIZATION_FAILED)") &&
                      Catch::Contains("group " + outsider));

  Topics missing = t;
  missing.dlq = t.dlq + "-missing";
  std::tie(rc, took) = Timed(Replay(missing, Config("kinerja"), dir / "state2", "kinerja-m"), &out);
  CHECK(rc == 1);
  CHECK(took < kFast);
  CHECK_THAT(out, Catch::Contains("dead-letter topic " + missing.dlq + " does not exist"));
  CHECK_FALSE(std::filesystem::exists(dir / "state2"));
}
