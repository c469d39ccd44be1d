// Reading the repository's Grafana dashboards and Prometheus rules in tests: their panels'
// queries, the variables they use, and the metric names a PromQL expression selects.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support.h"

namespace kinerja::testing {

struct Dashboard {
  std::string file;  // file name under dashboards/
  nlohmann::json json;
};

// Every dashboards/*.json of the repository, sorted by file name.
inline std::vector<Dashboard> LoadDashboards() {
  std::vector<Dashboard> out;
  const std::filesystem::path dir = std::filesystem::path(KINERJA_SOURCE_DIR) / "dashboards";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    out.push_back(
        {entry.path().filename().string(), nlohmann::json::parse(ReadFile(entry.path().string()))});
  }
  std::sort(out.begin(), out.end(),
            [](const Dashboard& a, const Dashboard& b) { return a.file < b.file; });
  return out;
}

// One query of a panel.
struct PanelQuery {
  std::string dashboard;  // file
  std::string panel;      // title
  std::string ref_id;
  std::string expr;
  bool instant = false;
};

inline std::vector<PanelQuery> PanelQueries(const Dashboard& d) {
  std::vector<PanelQuery> out;
  for (const auto& panel : d.json["panels"]) {
    if (!panel.contains("targets")) continue;
    for (const auto& t : panel["targets"]) {
      out.push_back({d.file, panel["title"].get<std::string>(), t["refId"].get<std::string>(),
                     t["expr"].get<std::string>(), t.value("instant", false)});
    }
  }
  return out;
}

// Variables referenced in `text` as $name or ${name} (Grafana's own $__... included).
inline std::set<std::string> VariablesIn(const std::string& text) {
  std::set<std::string> out;
  static const std::regex re(R"(\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

// `text` with each $name / ${name} of `values` replaced.
inline std::string Substitute(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    for (const std::string& pattern : {"${" + name + "}", "$" + name}) {
      for (size_t pos = 0; (pos = text.find(pattern, pos)) != std::string::npos;) {
        // $name must not be the start of a longer name ($agency vs $agency_code).
        const size_t end = pos + pattern.size();
        if (pattern[1] != '{' && end < text.size() &&
            (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
          pos = end;
          continue;
        }
        text.replace(pos, pattern.size(), value);
        pos += value.size();
      }
    }
  }
  return text;
}

// Names of the series a PromQL expression selects: plain metric names (kinerja_*, process_*,
// up), recording rule names (with ':'), and the names a {__name__=~"prefix(a|b)"} selector
// spells out. Label matchers and string literals are not names.
inline std::set<std::string> MetricNamesIn(const std::string& expr) {
  std::set<std::string> out;
  static const std::regex name_re(R"re(__name__\s*=~?\s*"([^"]*)")re");
  for (auto it = std::sregex_iterator(expr.begin(), expr.end(), name_re);
       it != std::sregex_iterator(); ++it) {
    const std::string pattern = (*it)[1];
    const auto open = pattern.find('('), close = pattern.rfind(')');
    if (open == std::string::npos || close == std::string::npos) {
      out.insert(pattern);
      continue;
    }
    const std::string head = pattern.substr(0, open), tail = pattern.substr(close + 1);
    std::string alternatives = pattern.substr(open + 1, close - open - 1) + "|";
    for (size_t pos = 0, bar; (bar = alternatives.find('|', pos)) != std::string::npos;
         pos = bar + 1) {
      out.insert(head + alternatives.substr(pos, bar - pos) + tail);
    }
  }
  // Drop {...} matchers and "..." strings, then take identifiers that name series.
  std::string bare;
  int depth = 0;
  bool quoted = false;
  for (char c : expr) {
    if (quoted) {
      if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      --depth;
    } else if (depth == 0) {
      bare += c;
    }
  }
  static const std::regex id_re(R"(([A-Za-z_:][A-Za-z0-9_:]*))");
  for (auto it = std::sregex_iterator(bare.begin(), bare.end(), id_re);
       it != std::sregex_iterator(); ++it) {
    const std::string id = (*it)[1];
    if (id.rfind("kinerja_", 0) == 0 || id.rfind("process_", 0) == 0 || id == "up" ||
        id.find(':') != std::string::npos) {
      out.insert(id);
    }
  }
  return out;
}

}  // namespace kinerja::testing
