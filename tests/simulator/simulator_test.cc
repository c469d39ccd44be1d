#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "ingest/decoder.h"
#include "simulator/simulator.h"

using namespace kinerja;

TEST_CASE("the simulator is deterministic and emits only valid events of the three types") {
  simulator::SimulatorOptions o;
  o.employees = 300;
  o.agencies = 7;
  o.days = 40;
  std::vector<std::string> first, second;
  simulator::Simulate(o, [&](std::string_view, std::string_view j) { first.emplace_back(j); return true; });
  simulator::Simulate(o, [&](std::string_view, std::string_view j) { second.emplace_back(j); return true; });
  REQUIRE(first == second);

  ingest::Decoder decoder;
  std::map<EventType, int> types;
  std::map<std::string, int> per_agency;
  std::set<TimeZone> zones;
  int pelaksana = 0, upserts = 0;
  for (const auto& j : first) {
    auto r = decoder.Decode(std::nullopt, j);
    REQUIRE(std::holds_alternative<Event>(r));
    const Event& e = std::get<Event>(r);
    types[e.envelope.type]++;
    if (auto* u = std::get_if<EmployeeUpserted>(&e.data)) {
      ++upserts;
      per_agency[u->agency]++;
      zones.insert(u->tz);
      pelaksana += u->position == Position::kPelaksana;
    }
  }
  CHECK(upserts == 300);
  CHECK(types.size() == 3);
  CHECK(per_agency.size() == 7);
  CHECK(per_agency["AG001"] > 2 * per_agency["AG007"]);  // skewed agency sizes
  CHECK(pelaksana > 300 * 0.30);
  CHECK(pelaksana < 300 * 0.48);
  CHECK(zones.size() >= 2);

  o.max_events = 123;
  int n = 0;
  simulator::Simulate(o, [&](std::string_view, std::string_view) { ++n; return true; });
  CHECK(n == 123);
}
