// The Grafana dashboards as data: the shape Grafana loads, a layout without overlaps, the
// datasource variable everywhere, every variable defined, and every metric they (and the
// Prometheus rules) name present on Kinerja's real /metrics, which passes promtool.
#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include <fstream>

#include "dashboards.h"
#include "export/metrics.h"
#include "ingest/memory.h"
#include "pipeline/pipeline.h"
#include "simulator/simulator.h"
#include "storage/state_store.h"
#include "support.h"

using namespace kinerja;
using namespace kinerja::testing;
using nlohmann::json;

namespace {

const std::set<std::string> kGrafanaVariables = {"__rate_interval", "__interval", "__range",
                                                 "__interval_ms", "__range_s"};

bool IsDatasourceVariable(const json& ds) {
  return ds.is_object() && ds.value("type", "") == "prometheus" &&
         ds.value("uid", "") == "${datasource}";
}

struct Rect {
  int x, y, w, h;
};

bool Overlap(const Rect& a, const Rect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

std::string Where(const Dashboard& d, const json& panel) {
  return d.file + ": panel " + std::to_string(panel.value("id", -1)) + " \"" +
         panel.value("title", "") + "\"";
}

// Every rule (recording and alerting) of ops/prometheus/rules/*.yaml.
std::vector<YAML::Node> Rules() {
  std::vector<YAML::Node> out;
  const auto dir = std::filesystem::path(KINERJA_SOURCE_DIR) / "ops/prometheus/rules";
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    const YAML::Node doc = YAML::LoadFile(file.path().string());
    for (const auto& group : doc["groups"]) {
      for (const auto& rule : group["rules"]) out.push_back(rule);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every dashboard has the shape Grafana loads, unique ids and uids, and links") {
  const auto dashboards = LoadDashboards();
  REQUIRE(dashboards.size() == 3);
  std::set<std::string> uids;
  for (const auto& d : dashboards) {
    INFO(d.file);
    const json& j = d.json;
    REQUIRE(j["uid"].is_string());
    CHECK(uids.insert(j["uid"].get<std::string>()).second);
    CHECK(j["uid"].get<std::string>().size() <= 40);
    CHECK_FALSE(j["title"].get<std::string>().empty());
    CHECK_FALSE(j["description"].get<std::string>().empty());
    CHECK(j["schemaVersion"].get<int>() >= 39);
    REQUIRE(j["tags"].is_array());
    CHECK(std::find(j["tags"].begin(), j["tags"].end(), "kinerja") != j["tags"].end());
    // Links to the other dashboards: every dashboard carries the tag the link lists.
    bool linked = false;
    for (const auto& link : j["links"]) {
      linked =
          linked || (link["type"] == "dashboards" && link["tags"] == json::array({"kinerja"}) &&
                     link["includeVars"] == true && link["keepTime"] == true);
    }
    CHECK(linked);
    REQUIRE(j["templating"]["list"].is_array());
    REQUIRE(j["panels"].is_array());
    CHECK(j["panels"].size() >= 10);
  }
}

TEST_CASE("panels lie on the 24-column grid without overlapping and have unique ids") {
  for (const auto& d : LoadDashboards()) {
    std::set<int> ids;
    std::vector<std::pair<Rect, std::string>> placed;
    for (const auto& panel : d.json["panels"]) {
      const std::string where = Where(d, panel);
      INFO(where);
      REQUIRE(panel["id"].is_number_integer());
      CHECK(ids.insert(panel["id"].get<int>()).second);
      const json& g = panel["gridPos"];
      const Rect r{g["x"].get<int>(), g["y"].get<int>(), g["w"].get<int>(), g["h"].get<int>()};
      CHECK(r.x >= 0);
      CHECK(r.y >= 0);
      CHECK(r.w > 0);
      CHECK(r.h > 0);
      CHECK(r.x + r.w <= 24);
      for (const auto& [other, other_where] : placed) {
        INFO("overlaps " + other_where);
        CHECK_FALSE(Overlap(r, other));
      }
      placed.push_back({r, where});
    }
  }
}

TEST_CASE("every panel and query uses the datasource variable, every variable is defined") {
  for (const auto& d : LoadDashboards()) {
    std::set<std::string> defined;
    bool has_datasource_variable = false;
    for (const auto& v : d.json["templating"]["list"]) {
      INFO(d.file + ": variable " + v["name"].get<std::string>());
      defined.insert(v["name"].get<std::string>());
      if (v["type"] == "datasource") {
        has_datasource_variable = v["query"] == "prometheus" && v["name"] == "datasource";
      } else {
        CHECK(v["type"] == "query");
        CHECK(IsDatasourceVariable(v["datasource"]));
        // A variable may only use variables defined before it.
        for (const auto& used : VariablesIn(v["definition"].get<std::string>())) {
          CHECK(defined.count(used));
        }
      }
    }
    CHECK(has_datasource_variable);
    for (const auto& panel : d.json["panels"]) {
      const std::string where = Where(d, panel);
      INFO(where);
      std::string text = panel["title"].get<std::string>();
      if (panel["type"] == "row") {
        for (const auto& used : VariablesIn(text)) CHECK(defined.count(used));
        continue;
      }
      CHECK(IsDatasourceVariable(panel["datasource"]));
      CHECK(panel["description"].get<std::string>().size() >= 40);
      CHECK_FALSE(panel["fieldConfig"]["defaults"]["unit"].get<std::string>().empty());
      REQUIRE_FALSE(panel["targets"].empty());
      std::set<std::string> ref_ids;
      for (const auto& t : panel["targets"]) {
        CHECK(IsDatasourceVariable(t["datasource"]));
        CHECK(ref_ids.insert(t["refId"].get<std::string>()).second);
        CHECK_FALSE(t["expr"].get<std::string>().empty());
        text += " " + t["expr"].get<std::string>() + " " + t.value("legendFormat", "");
      }
      text += " " + panel["description"].get<std::string>();
      for (const auto& used : VariablesIn(text)) {
        INFO("$" + used);
        CHECK((defined.count(used) || kGrafanaVariables.count(used)));
      }
    }
  }
}

TEST_CASE("panels with a target colour by it: thresholds beyond the base colour") {
  // Titles of the KPIs with a target (docs/kpis.md): their stat panels must show it.
  const std::set<std::string> with_target = {
      "SKP coverage",      "At or above 20 JP", "Realisasi reporting", "Reports with evidence",
      "Feedback coverage", "Consumer lag",      "Event age p99",       "Average JP per employee"};
  size_t seen = 0;
  for (const auto& d : LoadDashboards()) {
    for (const auto& panel : d.json["panels"]) {
      if (panel["type"] != "stat" || !with_target.count(panel["title"].get<std::string>())) {
        continue;
      }
      INFO(Where(d, panel));
      ++seen;
      CHECK(panel["fieldConfig"]["defaults"]["thresholds"]["steps"].size() >= 3);
      CHECK(panel["fieldConfig"]["defaults"]["color"]["mode"] == "thresholds");
    }
  }
  CHECK(seen >= with_target.size());
}

TEST_CASE("every metric the dashboards and rules name is on /metrics, which passes promtool") {
  // A real pipeline on in-memory twins: a simulated year of all nine event types for three
  // agencies, plus rejects whose agency is known, served by the real /metrics endpoint.
  ingest::MemorySource source(4);
  ingest::MemoryDeadLetters dlq;
  auto store = storage::NewMemoryStateStore();
  auto registry = std::make_shared<prometheus::Registry>();
  exporter::MetricsProbe probe(*registry);
  exporter::RegisterBuildInfo(*registry);
  pipeline::Pipeline pipe({}, &source, &dlq, store.get(), &probe);
  simulator::SimulatorOptions sim;
  sim.employees = 120;
  sim.agencies = 3;
  int64_t ts = 1'798'697'600'000;  // December 2026: the simulated year 2026 is past
  simulator::Simulate(sim, [&](std::string_view key, std::string_view event) {
    source.Append(static_cast<int32_t>(std::hash<std::string_view>()(key) % 4),
                  {std::string(key), std::string(event), ts++});
    return true;
  });
  const std::string nip = "198609262015051001";
  source.Append(0, {nip, Ev::Activity("bad", nip, "2026-03-02", 0, "administrative", "AG001"), ts});
  source.Append(0, {nip, "{not json", ts});
  bool idle = false;
  for (int i = 0; i < 10000 && !idle; ++i) REQUIRE(pipe.RunOnce(&idle).ok());

  TempDir dir;
  auto server = exporter::MetricsServer::Start("127.0.0.1:0");
  REQUIRE(server.ok());
  (*server)->Register(registry);
  (*server)->Register(exporter::NewKpiCollectable([&pipe] { return pipe.Snapshot(); }, {}));
  (*server)->Register(exporter::NewProcessCollectable());
  (*server)->Register(exporter::NewFilesystemCollectable(dir.path().string()));
  const auto body = HttpGet((*server)->port(), "/metrics");
  REQUIRE(body);

  // promtool's own lint of the exposition: no finding at all.
  {
    std::ofstream(dir / "metrics.txt") << *body;
    std::string out;
    const int rc = RunCommand(
        {"/bin/sh", "-c", "promtool check metrics < '" + (dir / "metrics.txt") + "'"}, &out);
    INFO(out);
    CHECK(rc == 0);
    CHECK(out.empty());
  }

  std::set<std::string> exposed;
  std::istringstream lines(*body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    exposed.insert(line.substr(0, line.find_first_of("{ ")));
  }
  std::set<std::string> recorded;
  std::vector<std::pair<std::string, std::string>> uses;  // (where, expr)
  for (const auto& rule : Rules()) {
    if (rule["record"]) recorded.insert(rule["record"].as<std::string>());
    uses.push_back({"rule " + (rule["record"] ? rule["record"] : rule["alert"]).as<std::string>(),
                    rule["expr"].as<std::string>()});
  }
  for (const auto& d : LoadDashboards()) {
    for (const auto& q : PanelQueries(d)) uses.push_back({d.file + ": " + q.panel, q.expr});
    for (const auto& v : d.json["templating"]["list"]) {
      if (v["type"] == "query")
        uses.push_back(
            {d.file + ": $" + v["name"].get<std::string>(), v["definition"].get<std::string>()});
    }
  }
  size_t names = 0;
  for (const auto& [where, expr] : uses) {
    for (const auto& name : MetricNamesIn(expr)) {
      INFO(where + " names " + name);
      ++names;
      if (name == "up") continue;  // Prometheus' own, per target
      if (name.find(':') != std::string::npos) {
        CHECK(recorded.count(name));
      } else {
        CHECK(exposed.count(name));
      }
    }
  }
  CHECK(names > 100);
}
