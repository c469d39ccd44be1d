#include <catch2/catch.hpp>

#include <algorithm>

#include "state/codec.h"

using namespace kinerja;
using namespace kinerja::processors;
using namespace kinerja::state;

namespace {

// Every kind of data of every year, so a field the codec forgot shows up as a difference.
EmployeeState FullState() {
  EmployeeState s;
  s.known = true;
  s.master = MasterData{"A1",
                        "Biro Umum",
                        TimeZone::kMakassar,
                        Position::kFungsional,
                        Employment::kPppk,
                        198001012005011002ULL,
                        false};
  YearState& y = s.years[2026];
  y.skp = std::vector<SkpIndicator>{{"IKU-1", IndicatorKind::kUtama, 12.5, "dokumen"},
                                    {"IKU-2", IndicatorKind::kTambahan, 0.1, ""}};
  MonthState& m = y.months[ToMonthIndex(2026, 3)];
  m.indicators["IKU-1"] = IndicatorMonth{3.25, {"ev-a", "ev-b"}};
  m.indicators["NOT-IN-SKP"] = IndicatorMonth{std::nullopt, {"ev-c"}};
  m.feedback = 4;
  m.administrative = 120;
  m.substantive = 7;
  m.rating = Rating{Expectation::kDiAtas, Expectation::kDiBawah, 197501012000031001ULL};
  y.months[ToMonthIndex(2026, 12)].feedback = 1;
  y.training[{Date{2026, 2, 1}, "LATSAR"}] = {450, TrainingMode::kNonklasikal};
  y.annual = Rating{Expectation::kSesuai, Expectation::kSesuai, 197501012000031001ULL};
  y.potential = Potential::kTinggi;
  s.years[2025].training[{Date{2025, 12, 31}, "X"}] = {1, TrainingMode::kKlasikal};
  s.years[2024].potential = Potential::kRendah;
  return s;
}

// The entities of one employee as the pipeline writes them.
std::vector<std::pair<std::string, std::string>> Entities(Nip nip, const EmployeeState& s,
                                                          const std::vector<EntityWrite>& dedup) {
  std::vector<std::pair<std::string, std::string>> entities;
  std::string bytes;
  EncodeEmployeeCore(s, &bytes);
  entities.push_back({EmployeeCoreKey(nip), bytes});
  for (const auto& [year, y] : s.years) {
    EncodeYear(y, &bytes);
    entities.push_back({YearKey(nip, year), bytes});
  }
  for (const auto& w : dedup) entities.push_back({w.key, *w.value});
  std::sort(entities.begin(), entities.end());  // the order a prefix scan returns them in
  return entities;
}

}  // namespace

TEST_CASE("employee state survives encode/decode exactly") {
  EmployeeState s = FullState();
  Envelope e1{"id-1", "A1", EventType::kActivityLogged, 1, {}};
  Envelope e2{std::string(128, 'z'), "A2", EventType::kActivityLogged, 1, {}};
  Envelope e3{"id-3", "A1", EventType::kActivityLogged, 1, {}};
  constexpr int64_t kWindow = 1000000;
  const Nip nip = 198609262015051001ULL;
  std::vector<EntityWrite> writes;
  REQUIRE(CheckDuplicateAndRemember(s.dedup, e1, 1700000000000, kWindow) == DedupCheck::kNew);
  REQUIRE(CheckDuplicateAndRemember(s.dedup, e2, 1700000000005, kWindow) == DedupCheck::kNew);
  FlushDedup(nip, s.dedup, &writes);
  REQUIRE(CheckDuplicateAndRemember(s.dedup, e3, 1700000000007, kWindow) == DedupCheck::kNew);
  FlushDedup(nip, s.dedup, &writes);
  EmployeeState back;
  for (const auto& [key, value] : Entities(nip, s, writes)) {
    REQUIRE(key.substr(0, 8) == EmployeeKey(nip));
    REQUIRE(AbsorbEmployeeEntity(std::string_view(key).substr(8), value, &back).ok());
  }
  CHECK(back == s);
  CHECK(back.dedup.oldest_ms == 1700000000000);
  // Reloaded, the memory still knows its ids (by fingerprint, confirmed against the chunks'
  // full ids) and numbers new chunks after the old ones.
  CHECK(CheckDuplicateAndRemember(back.dedup, e2, 1700000000010, kWindow) == DedupCheck::kNeedIds);
  for (const auto& w : writes) REQUIRE(AbsorbDedupChunkIds(*w.value, &back.dedup).ok());
  CHECK(CheckDuplicateAndRemember(back.dedup, e2, 1700000000010, kWindow) ==
        DedupCheck::kDuplicate);
  CHECK(back.dedup.next_seq == 2);
  CHECK_FALSE(AbsorbEmployeeEntity("x", "", &back).ok());
  CHECK_FALSE(AbsorbEmployeeEntity(DedupChunkKey(nip, 7).substr(8), "\x05", &back).ok());

  // An employee that only has a core (no year, no dedup id) also round-trips.
  EmployeeState empty;
  back = EmployeeState{};
  for (const auto& [key, value] : Entities(nip, empty, {})) {
    REQUIRE(AbsorbEmployeeEntity(std::string_view(key).substr(8), value, &back).ok());
  }
  CHECK(back == empty);
}

TEST_CASE("one year is one entity - keys sort by year under the employee") {
  const Nip nip = 198609262015051001ULL;
  CHECK(YearKey(nip, 2025) < YearKey(nip, 2026));
  CHECK(YearKey(nip, 2026).substr(0, YearPrefix(nip).size()) == YearPrefix(nip));
  CHECK(EmployeeCoreKey(nip).substr(0, 8) == EmployeeKey(nip));
  // Reading just one year's entity gives just that year.
  EmployeeState s = FullState();
  std::string bytes;
  EncodeYear(s.years.at(2026), &bytes);
  YearState y;
  REQUIRE(DecodeYear(bytes, &y).ok());
  CHECK(y == s.years.at(2026));
}

TEST_CASE("corrupt employee bytes are reported never misread") {
  EmployeeState s = FullState();
  std::string bytes;
  EncodeYear(s.years.at(2026), &bytes);
  YearState back;
  CHECK_FALSE(DecodeYear(bytes.substr(0, bytes.size() - 1), &back).ok());
  CHECK_FALSE(DecodeYear(bytes + "x", &back).ok());
  std::string wrong_version = bytes;
  wrong_version[0] = 99;
  CHECK(DecodeYear(wrong_version, &back).code() == Status::Code::kCorruption);
  EncodeEmployeeCore(s, &bytes);
  EmployeeState core;
  CHECK_FALSE(AbsorbEmployeeEntity("c", bytes.substr(0, bytes.size() - 1), &core).ok());
  wrong_version = bytes;
  wrong_version[0] = 1;  // the format before years were split out
  CHECK(AbsorbEmployeeEntity("c", wrong_version, &core).code() == Status::Code::kCorruption);
}

TEST_CASE("KPI keys and partition meta round-trip") {
  KpiKey k{Kpi::kActivityMinutes, 1, ToMonthIndex(2026, 3), "KEMENKEU"};
  CHECK(DecodeKpiKey(EncodeKpiKey(k)) == k);
  CHECK_FALSE(DecodeKpiKey("abc"));
  PartitionMeta m{ToMonthIndex(2026, 11)}, back;
  REQUIRE(DecodePartitionMeta(EncodePartitionMeta(m), &back).ok());
  CHECK(back.newest_month == m.newest_month);
  CHECK(EmployeeKey(1) < EmployeeKey(256));
}
