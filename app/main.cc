// kinerja: the command-line entry point. Wires flags (and KINERJA_* environment variables) to
// the subcommands in run.cc and tools.cc.
#include <CLI/CLI.hpp>

#include <cctype>
#include <iostream>

#include "commands.h"

namespace {

// Kafka's rule for topic names: 1 to 249 of [a-zA-Z0-9._-], not "." or "..". Checked here so a
// typo fails at startup naming the flag, instead of subscribing to nothing.
const CLI::Validator kTopicName(
    [](std::string& name) -> std::string {
      if (name.empty() || name.size() > 249 || name == "." || name == "..") {
        return "a Kafka topic name has 1 to 249 characters and is not '.' or '..'";
      }
      for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
          return "a Kafka topic name has only letters, digits, '.', '_' and '-'";
        }
      }
      return "";
    },
    "TOPIC");

// group.instance.id: "auto", "none" or what Kafka takes (letters, digits, '.', '_', '-').
const CLI::Validator kInstanceId(
    [](std::string& value) -> std::string {
      if (value.empty() || value.size() > 249) return "must have 1 to 249 characters";
      for (char c : value) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
          return "has only letters, digits, '.', '_' and '-' (or is auto or none)";
        }
      }
      return "";
    },
    "ID");

const CLI::Validator kNotEmpty(
    [](std::string& value) -> std::string { return value.empty() ? "must not be empty" : ""; },
    "TEXT");

void AddKafkaFlags(CLI::App* cmd, kinerja::app::KafkaFlags* k, bool dlq) {
  cmd->add_option("--brokers", k->brokers, "Kafka bootstrap servers")
      ->envname("KINERJA_BROKERS")
      ->check(kNotEmpty)
      ->capture_default_str();
  cmd->add_option("--topic", k->topic, "Events topic")
      ->envname("KINERJA_TOPIC")
      ->check(kTopicName)
      ->capture_default_str();
  if (dlq) {
    cmd->add_option("--dlq-topic", k->dlq_topic, "Dead-letter topic")
        ->envname("KINERJA_DLQ_TOPIC")
        ->check(kTopicName)
        ->capture_default_str();
  }
  cmd->add_option("--kafka-config", k->config_file,
                  "librdkafka properties file (NAME=VALUE lines, # comments) for security settings "
                  "and secrets; must not be readable by group or others")
      ->envname("KINERJA_KAFKA_CONFIG");
  cmd->add_option("--kafka-property", k->properties,
                  "Extra librdkafka property NAME=VALUE (repeatable; overrides --kafka-config)");
}

using namespace kinerja::app;

// A helper thread of `kinerja run`: 0 (none, its work runs on the pipeline thread) or 1.
void AddThreadsOption(CLI::App* cmd, const std::string& name, int* threads, const std::string& env,
                      const std::string& help) {
  cmd->add_option(name, *threads, help)
      ->envname(env)
      ->check(CLI::Range(0, 1))
      ->capture_default_str();
}

// One function per subcommand: its flags, bound to `flags`.
CLI::App* AddRunCommand(CLI::App& app, RunFlags& run) {
  CLI::App* run_cmd =
      app.add_subcommand("run", "Consume events, maintain KPI state, serve /metrics");
  AddKafkaFlags(run_cmd, &run.kafka, true);
  run_cmd->add_option("--group", run.group, "Consumer group id")
      ->envname("KINERJA_GROUP")
      ->check(kNotEmpty)
      ->capture_default_str();
  run_cmd
      ->add_option("--log-level", run.log_level,
                   "Lowest level logged to stderr (logfmt lines): debug, info, warn, error, off")
      ->envname("KINERJA_LOG_LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  run_cmd->add_option("--state-dir", run.state_dir, "RocksDB state directory")
      ->envname("KINERJA_STATE_DIR")
      ->required();
  run_cmd
      ->add_option("--metrics-address", run.metrics_address,
                   "host:port for /metrics (port 0: any free port)")
      ->envname("KINERJA_METRICS_ADDRESS")
      ->capture_default_str();
  run_cmd->add_flag("--stop-at-end", run.stop_at_end,
                    "Replay mode: process up to the end offsets seen at start, commit, exit 0");
  run_cmd->add_option("--batch-size", run.batch_size, "Max messages per atomic state commit")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  run_cmd
      ->add_option("--window-months", run.window_months, "Months exported for month-labelled KPIs")
      ->envname("KINERJA_WINDOW_MONTHS")
      ->check(CLI::Range(1, 120))
      ->capture_default_str();
  run_cmd
      ->add_option("--dedup-window-hours", run.dedup_window_hours,
                   "Duplicate (source, id) window, on Kafka message time")
      ->check(CLI::Range(0.0, 24.0 * 366))
      ->capture_default_str();
  run_cmd
      ->add_option("--memory-mb", run.memory_mb,
                   "Memory budget in MiB: 1/4 Kafka prefetch, 1/4 RocksDB, 3/8 employee cache, "
                   "1/8 the rest (README, \"Memory\"); past it consumption slows, memory does "
                   "not grow")
      ->envname("KINERJA_MEMORY_MB")
      ->check(CLI::Range(size_t{128}, size_t{1} << 20))
      ->capture_default_str();
  AddThreadsOption(run_cmd, "--decode-threads", &run.decode_threads, "KINERJA_DECODE_THREADS",
                   "Threads decoding events while the pipeline applies them (0: decode on the "
                   "applying thread)");
  AddThreadsOption(run_cmd, "--commit-threads", &run.commit_threads, "KINERJA_COMMIT_THREADS",
                   "Threads writing a batch to the state store while the next batch is applied "
                   "(0: the applying thread waits for each write)");

  run_cmd
      ->add_option("--instance-id", run.instance_id,
                   "Static group membership (group.instance.id): a restarted instance gets its "
                   "partitions back at once. auto: from the host name and state directory; "
                   "none: off (README, \"Restarts\")")
      ->envname("KINERJA_INSTANCE_ID")
      ->check(kInstanceId)
      ->capture_default_str();
  return run_cmd;
}

CLI::App* AddSimulateCommand(CLI::App& app, SimulateFlags& sim) {
  CLI::App* sim_cmd =
      app.add_subcommand("simulate", "Generate deterministic synthetic events (NDJSON or Kafka)");
  sim_cmd->add_option("--employees", sim.sim.employees, "Employees")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  sim_cmd->add_option("--agencies", sim.sim.agencies, "Agencies")
      ->check(CLI::Range(1, 999))
      ->capture_default_str();
  sim_cmd->add_option("--year", sim.sim.year, "Year simulated")
      ->check(CLI::Range(2000, 2100))
      ->capture_default_str();
  sim_cmd->add_option("--days", sim.sim.days, "Days simulated from 1 January")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  sim_cmd->add_option("--seed", sim.sim.seed, "Random seed (same seed, same events)")
      ->capture_default_str();
  sim_cmd
      ->add_option("--max-events", sim.sim.max_events, "Stop after this many events (0: no limit)")
      ->capture_default_str();
  sim_cmd
      ->add_option("--duplicate-rate", sim.sim.duplicate_rate,
                   "Share of events re-sent with the same id")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sim_cmd->add_option("--output", sim.output,
                      "Write NDJSON to this file ('-': stdout) instead of Kafka");
  sim_cmd->add_option("--rate", sim.rate, "Events per second when producing (0: unlimited)")
      ->check(CLI::Range(0.0, 1e8))
      ->capture_default_str();
  sim_cmd
      ->add_option_function<std::string>(
          "--timestamps", [&sim](const std::string& v) { sim.event_timestamps = v == "event"; },
          "Kafka timestamps when producing: now (the time of producing) or event (each event's "
          "envelope time, as a replayed year would have them)")
      ->check(CLI::IsMember({"now", "event"}))
      ->default_str("now");
  AddKafkaFlags(sim_cmd, &sim.kafka, false);
  return sim_cmd;
}

CLI::App* AddPublishCommand(CLI::App& app, PublishFlags& pub) {
  CLI::App* pub_cmd = app.add_subcommand(
      "publish",
      "Produce NDJSON events keyed by subject (idempotent producer). Validates every line first "
      "and sends nothing if any is invalid (exit 1), unless --no-validate");
  pub_cmd->add_option("files", pub.files, "NDJSON files ('-': stdin)")->required();
  pub_cmd->add_flag("--no-validate", pub.no_validate,
                    "Send without validating: invalid lines are sent too, and the pipeline "
                    "dead-letters them");
  pub_cmd
      ->add_option("--content-mode", pub.content_mode,
                   "CloudEvents Kafka content mode of event lines: structured (the value is the "
                   "event) or binary (ce_ headers, the value is data); message-record lines are "
                   "sent as written")
      ->check(CLI::IsMember({"structured", "binary"}))
      ->capture_default_str();
  AddKafkaFlags(pub_cmd, &pub.kafka, false);
  return pub_cmd;
}

CLI::App* AddValidateCommand(CLI::App& app, ValidateFlags& val) {
  CLI::App* val_cmd = app.add_subcommand(
      "validate",
      "Check NDJSON event files against the event contract v1 with the pipeline's own decoder: "
      "prints FILE:LINE: reason: detail for each invalid line; exit 0 all valid, 1 some "
      "invalid, 2 bad usage. Blank lines are skipped");
  val_cmd->add_option("files", val.files, "NDJSON files ('-': stdin)")->required();
  val_cmd
      ->add_option("--content-mode", val.content_mode,
                   "Check event lines as publish would send them: structured or binary "
                   "(message-record lines are checked as written)")
      ->check(CLI::IsMember({"structured", "binary"}))
      ->capture_default_str();
  return val_cmd;
}

CLI::App* AddKpisCommand(CLI::App& app, KpisFlags& kpis) {
  CLI::App* kpis_cmd = app.add_subcommand(
      "kpis", "Print the KPI gauges from the state directory of a stopped instance");
  kpis_cmd->add_option("--state-dir", kpis.state_dir, "RocksDB state directory")
      ->envname("KINERJA_STATE_DIR")
      ->required();
  kpis_cmd->add_option("--format", kpis.format, "json or prometheus")
      ->check(CLI::IsMember({"json", "prometheus"}))
      ->capture_default_str();
  kpis_cmd
      ->add_option("--window-months", kpis.window_months, "Months exported for month-labelled KPIs")
      ->envname("KINERJA_WINDOW_MONTHS")
      ->check(CLI::Range(1, 120))
      ->capture_default_str();
  kpis_cmd->add_flag("--progress", kpis.progress,
                     "With --format json: also each partition's next offset and the messages "
                     "before it applied, duplicate and dead-lettered (\"partitions\")");
  return kpis_cmd;
}

CLI::App* AddCreateTopicsCommand(CLI::App& app, TopicsFlags& topics) {
  CLI::App* topics_cmd =
      app.add_subcommand("create-topics", "Create the events and dead-letter topics if missing");
  AddKafkaFlags(topics_cmd, &topics.kafka, true);
  topics_cmd->add_option("--partitions", topics.partitions, "Partitions of the events topic")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  return topics_cmd;
}

// The CLI; main() only adds a last resort for an exception nothing else caught.
int Main(int argc, char** argv) {
  CLI::App app{"Kinerja: real-time performance KPIs of Indonesia's civil service (ASN) from Kafka"};
  app.require_subcommand(1);
  RunFlags run;
  SimulateFlags sim;
  PublishFlags pub;
  ValidateFlags val;
  KpisFlags kpis;
  TopicsFlags topics;
  CLI::App* run_cmd = AddRunCommand(app, run);
  CLI::App* sim_cmd = AddSimulateCommand(app, sim);
  CLI::App* pub_cmd = AddPublishCommand(app, pub);
  CLI::App* val_cmd = AddValidateCommand(app, val);
  CLI::App* kpis_cmd = AddKpisCommand(app, kpis);
  CLI::App* topics_cmd = AddCreateTopicsCommand(app, topics);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "kinerja: " << e.what() << "\nRun with --help for usage.\n";
    return 2;
  }
  if (run_cmd->parsed()) return Run(run);
  if (sim_cmd->parsed()) return Simulate(sim);
  if (pub_cmd->parsed()) return Publish(pub);
  if (val_cmd->parsed()) return Validate(val);
  if (kpis_cmd->parsed()) return Kpis(kpis);
  if (topics_cmd->parsed()) return CreateTopics(topics);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "kinerja: unexpected error: " << e.what() << "\n";
    return 1;
  }
}
