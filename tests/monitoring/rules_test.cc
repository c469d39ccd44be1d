// The Prometheus rules, their unit tests, the runbook and the example Alertmanager routing,
// checked with the real promtool and amtool; and the generated files against their source.
#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include "support.h"

using namespace kinerja::testing;

namespace {

const std::string kSource = KINERJA_SOURCE_DIR;
const std::string kPrometheusDir = kSource + "/ops/prometheus";

// The *.yaml files of a folder, sorted.
std::vector<std::string> YamlFiles(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> TestFiles() { return YamlFiles(kPrometheusDir + "/tests"); }
std::vector<std::string> RuleFiles() { return YamlFiles(kPrometheusDir + "/rules"); }

struct Alert {
  std::string name;
  YAML::Node rule;
};

std::vector<Alert> Alerts() {
  std::vector<Alert> out;
  for (const auto& file : RuleFiles()) {
    for (const auto& group : YAML::LoadFile(file)["groups"]) {
      for (const auto& rule : group["rules"]) {
        if (rule["alert"]) out.push_back({rule["alert"].as<std::string>(), rule});
      }
    }
  }
  return out;
}

std::vector<std::string> RecordingRules() {
  std::vector<std::string> out;
  for (const auto& file : RuleFiles()) {
    for (const auto& group : YAML::LoadFile(file)["groups"]) {
      for (const auto& rule : group["rules"]) {
        if (rule["record"]) out.push_back(rule["record"].as<std::string>());
      }
    }
  }
  return out;
}

// GitHub's anchor of a Markdown heading: lower case, spaces to '-', punctuation dropped.
std::string Anchor(const std::string& heading) {
  std::string out;
  for (char c : heading) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (c == ' ') {
      out += '-';
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the committed dashboards and rules are what monitoring/ generates") {
  std::string out;
  const int rc = RunCommand({"/bin/bash", kSource + "/monitoring/build.sh", "--check"}, &out);
  INFO(out);
  CHECK(rc == 0);
}

TEST_CASE("promtool check rules accepts every rule file") {
  const auto files = RuleFiles();
  REQUIRE(files.size() == 3);
  for (const auto& file : files) {
    std::string out;
    const int rc = RunCommand({"/usr/bin/env", "promtool", "check", "rules", file}, &out);
    INFO(out);
    CHECK(rc == 0);
    CHECK(out.find("SUCCESS") != std::string::npos);
  }
}

TEST_CASE("promtool test rules: the rule unit tests pass") {
  const auto files = TestFiles();
  REQUIRE(files.size() >= 3);
  for (const auto& file : files) {
    std::string out;
    const int rc = RunCommand({"/usr/bin/env", "promtool", "test", "rules", file}, &out);
    INFO(out);
    CHECK(rc == 0);
  }
}

TEST_CASE("every alert fires and stays quiet in a unit test, every recording rule is sampled") {
  // For each alert: a case with an expected firing alert whose labels and annotations are
  // checked, and a case that expects none. For each recording rule: expected samples.
  std::map<std::string, int> firing, quiet;
  std::set<std::string> sampled;
  for (const auto& file : TestFiles()) {
    for (const auto& test : YAML::LoadFile(file)["tests"]) {
      for (const auto& c : test["alert_rule_test"]) {
        const auto name = c["alertname"].as<std::string>();
        const auto& exp = c["exp_alerts"];
        if (!exp || exp.size() == 0) {
          quiet[name]++;
          continue;
        }
        for (const auto& a : exp) {
          INFO(file + ": " + name);
          CHECK(a["exp_labels"]["severity"]);
          CHECK(a["exp_annotations"]["summary"]);
          CHECK(a["exp_annotations"]["description"]);
          CHECK(a["exp_annotations"]["runbook_url"]);
        }
        firing[name]++;
      }
      for (const auto& c : test["promql_expr_test"]) {
        if (c["exp_samples"] && c["exp_samples"].size() > 0) {
          sampled.insert(c["expr"].as<std::string>());
        }
      }
    }
  }
  const auto alerts = Alerts();
  CHECK(alerts.size() >= 14);
  for (const auto& a : alerts) {
    INFO(a.name);
    CHECK(firing[a.name] >= 1);
    CHECK(quiet[a.name] >= 1);
  }
  for (const auto& r : RecordingRules()) {
    INFO(r);
    CHECK(sampled.count(r));
  }
}

TEST_CASE("every alert has for, severity, summary, description and a runbook section") {
  const std::string runbook = ReadFile(kSource + "/ops/runbook.md");
  std::set<std::string> sections;  // anchors of "## " headings
  std::istringstream lines(runbook);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("## ", 0) == 0) sections.insert(Anchor(line.substr(3)));
  }
  std::set<std::string> alert_anchors;
  for (const auto& a : Alerts()) {
    INFO(a.name);
    REQUIRE(a.rule["for"]);
    const std::string severity = a.rule["labels"]["severity"].as<std::string>();
    CHECK((severity == "critical" || severity == "warning"));
    const auto& ann = a.rule["annotations"];
    CHECK(ann["summary"].as<std::string>().size() > 10);
    CHECK(ann["description"].as<std::string>().size() > 60);
    const std::string url = ann["runbook_url"].as<std::string>();
    const auto hash = url.find('#');
    REQUIRE(hash != std::string::npos);
    CHECK(url.substr(0, hash) == "ops/runbook.md");
    const std::string anchor = url.substr(hash + 1);
    CHECK(anchor == Anchor(a.name));
    CHECK(sections.count(anchor));
    alert_anchors.insert(anchor);
  }
  // ...and the runbook describes no alert that does not exist (besides its introduction).
  for (const auto& s : sections) {
    if (s == "before-you-start") continue;
    INFO(s);
    CHECK(alert_anchors.count(s));
  }
}

TEST_CASE("the example Alertmanager config routes critical to the pager and warnings to a ticket") {
  const std::string config = kPrometheusDir + "/alertmanager.example.yml";
  std::string out;
  REQUIRE(RunCommand({"/usr/bin/env", "amtool", "check-config", config}, &out) == 0);
  for (const auto& a : Alerts()) {
    INFO(a.name);
    const std::string severity = a.rule["labels"]["severity"].as<std::string>();
    const std::string receiver = severity == "critical" ? "pager" : "ticket";
    const std::string other = severity == "critical" ? "ticket" : "pager";
    std::vector<std::string> labels = {"alertname=" + a.name, "severity=" + severity, "job=kinerja",
                                       "instance=i1", "agency=A1"};
    auto route = [&](const std::string& expected) {
      std::vector<std::string> argv = {"/usr/bin/env",
                                       "amtool",
                                       "config",
                                       "routes",
                                       "test",
                                       "--config.file=" + config,
                                       "--verify.receivers=" + expected};
      argv.insert(argv.end(), labels.begin(), labels.end());
      std::string output;
      const int rc = RunCommand(argv, &output);
      INFO(output);
      return rc;
    };
    CHECK(route(receiver) == 0);
    CHECK(route(other) != 0);  // --verify.receivers does fail on a mismatch
  }
}
