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
