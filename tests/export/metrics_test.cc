#include <catch2/catch.hpp>

#include <prometheus/text_serializer.h>

#include "export/metrics.h"
#include "support.h"

using namespace kinerja;

TEST_CASE("/metrics serves KPI gauges pipeline health build info and process metrics") {
  auto registry = std::make_shared<prometheus::Registry>();
  exporter::MetricsProbe probe(*registry);
  exporter::RegisterBuildInfo(*registry);
  pipeline::BatchCounts counts;
  counts.events[static_cast<size_t>(EventType::kActivityLogged)][0] = 5;
  counts.dead_letters[static_cast<size_t>(ingest::RejectReason::kInvalidNip)] = 2;
  probe.BatchCommitted(counts, 0.001, 1700000000500);
  probe.PartitionLag(7, 42);
  probe.PartitionLag(8, 1);
  probe.PartitionLag(8, std::nullopt);  // partition revoked: its series goes

  auto server = exporter::MetricsServer::Start("127.0.0.1:0");
  REQUIRE(server.ok());
  (*server)->Register(registry);
  pipeline::KpiSnapshot snap;
  snap.counters.Add({processors::Kpi::kEmployees, 0, 0, "A1"}, 3);
  (*server)->Register(exporter::NewKpiCollectable([snap] { return snap; }, {}));
  (*server)->Register(exporter::NewProcessCollectable());

  auto body = testing::HttpGet((*server)->port(), "/metrics");
  REQUIRE(body);
  for (const char* expected :
       {"kinerja_employees{agency=\"A1\"} 3", "kinerja_employees_without_master_data 0",
        "kinerja_events_total{outcome=\"applied\",type=\"kinerja.activity.logged.v1\"} 5",
        "kinerja_events_total{outcome=\"duplicate\",type=\"kinerja.training.completed.v1\"} 0",
        "kinerja_dead_letters_total{reason=\"invalid_nip\"} 2",
        "kinerja_dead_letters_total{reason=\"too_large\"} 0",
        "kinerja_consumer_lag_messages{partition=\"7\"} 42",
        "kinerja_last_commit_timestamp_seconds 1700000000.5",
        "kinerja_build_info{revision=", "process_resident_memory_bytes ",
        "process_cpu_seconds_total ", "process_start_time_seconds "}) {
    INFO(expected);
    CHECK(body->find(expected) != std::string::npos);
  }
  CHECK(body->find("partition=\"8\"") == std::string::npos);
}

TEST_CASE("a metrics address that cannot be bound is a clear error") {
  auto first = exporter::MetricsServer::Start("127.0.0.1:0");
  REQUIRE(first.ok());
  auto second = exporter::MetricsServer::Start("127.0.0.1:" + std::to_string((*first)->port()));
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().message().find("metrics-address") != std::string::npos);
}

namespace {

std::string Scrape(const std::vector<std::shared_ptr<prometheus::Collectable>>& collectables) {
  auto server = exporter::MetricsServer::Start("127.0.0.1:0");
  REQUIRE(server.ok());
  for (const auto& c : collectables) (*server)->Register(c);
  auto body = testing::HttpGet((*server)->port(), "/metrics");
  REQUIRE(body);
  return *body;
}

bool Has(const std::string& body, const std::string& line) {
  return body.find(line) != std::string::npos;
}

}  // namespace

TEST_CASE("per-agency counters: applied, without master data, dead letters, capped in number") {
  auto registry = std::make_shared<prometheus::Registry>();
  exporter::ProbeOptions options;
  options.max_agencies = 2;
  exporter::MetricsProbe probe(*registry, options);
  probe.AgenciesKnown({"A1"});  // zero series before A1 publishes anything
  std::string body = Scrape({registry});
  CHECK(Has(body, "kinerja_agency_events_total{agency=\"A1\"} 0"));
  CHECK(Has(body, "kinerja_agency_dead_letters_total{agency=\"A1\",reason=\"invalid_data\"} 0"));
  // Reasons decided before the envelope source is read never carry an agency.
  CHECK_FALSE(
      Has(body, "kinerja_agency_dead_letters_total{agency=\"A1\",reason=\"malformed_json\"}"));
  CHECK_FALSE(Has(body, "kinerja_agency_dead_letters_total{agency=\"A1\",reason=\"too_large\"}"));

  pipeline::BatchCounts counts;
  counts.agencies["A1"].applied = 5;
  counts.agencies["A1"].without_master_data = 2;
  counts.agencies["A1"].dead_letters[static_cast<size_t>(ingest::RejectReason::kInvalidData)] = 3;
  counts.agencies["B2"].applied = 1;
  probe.BatchCommitted(counts, 0.001, 1700000000000);
  // Two agencies have their own series (the cap); C3 and D4 share "(other)".
  pipeline::BatchCounts more;
  more.agencies["C3"].applied = 4;
  more.agencies["D4"].applied = 6;
  more.agencies["A1"].applied = 1;
  probe.BatchCommitted(more, 0.001, 1700000001000);
  body = Scrape({registry});
  CHECK(Has(body, "kinerja_agency_events_total{agency=\"A1\"} 6"));
  CHECK(Has(body, "kinerja_agency_events_without_master_data_total{agency=\"A1\"} 2"));
  CHECK(Has(body, "kinerja_agency_dead_letters_total{agency=\"A1\",reason=\"invalid_data\"} 3"));
  CHECK(Has(body, "kinerja_agency_events_total{agency=\"B2\"} 1"));
  CHECK(Has(body, "kinerja_agency_events_total{agency=\"(other)\"} 10"));
  CHECK_FALSE(Has(body, "agency=\"C3\""));
  CHECK_FALSE(Has(body, "agency=\"D4\""));
}

TEST_CASE("Kafka client errors are counted by client and code, common codes from the start") {
  auto registry = std::make_shared<prometheus::Registry>();
  exporter::MetricsProbe probe(*registry);
  std::string body = Scrape({registry});
  CHECK(Has(body, "kinerja_kafka_errors_total{client=\"consumer\",code=\"_TRANSPORT\"} 0"));
  CHECK(Has(body, "kinerja_kafka_errors_total{client=\"producer\",code=\"_ALL_BROKERS_DOWN\"} 0"));
  ingest::KafkaErrorListener& listener = probe;
  listener.KafkaError("consumer", "_TRANSPORT");
  listener.KafkaError("consumer", "_TRANSPORT");
  listener.KafkaError("producer", "SASL_AUTHENTICATION_FAILED");
  body = Scrape({registry});
  CHECK(Has(body, "kinerja_kafka_errors_total{client=\"consumer\",code=\"_TRANSPORT\"} 2"));
  CHECK(
      Has(body,
          "kinerja_kafka_errors_total{client=\"producer\",code=\"SASL_AUTHENTICATION_FAILED\"} 1"));
}

TEST_CASE("the state directory's filesystem: available and total bytes, absent when unreadable") {
  testing::TempDir dir;
  const std::string body = Scrape({exporter::NewFilesystemCollectable(dir.path().string())});
  auto value = [&](const std::string& name) {
    const auto at = body.find("\n" + name + " ");
    REQUIRE(at != std::string::npos);
    return std::stod(body.substr(at + name.size() + 2));
  };
  const double size = value("kinerja_state_filesystem_size_bytes");
  const double avail = value("kinerja_state_filesystem_avail_bytes");
  CHECK(size > 0);
  CHECK(avail >= 0);
  CHECK(avail <= size);
  const std::string missing = Scrape({exporter::NewFilesystemCollectable(dir / "does-not-exist")});
  CHECK_FALSE(Has(missing, "kinerja_state_filesystem"));
}
