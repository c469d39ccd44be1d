#include <catch2/catch.hpp>

#include <algorithm>

#include "processors/codec.h"

using namespace kinerja;
using namespace kinerja::processors;

TEST_CASE("employee state survives encode/decode exactly") {
  EmployeeState s;
  s.known = true;
  s.master = MasterData{"A1", "Biro Umum", TimeZone::kMakassar, Position::kFungsional, Employment::kPppk,
                        198001012005011002ULL, false};
  s.training[{Date{2026, 2, 1}, "LATSAR"}] = {450, TrainingMode::kNonklasikal};
  s.training[{Date{2025, 12, 31}, "X"}] = {1, TrainingMode::kKlasikal};
  s.activity[ToMonthIndex(2026, 3)] = {120, 7};
  s.dedup.applied[DedupKey("A1", "id-1")] = 1700000000000;
  s.dedup.applied[DedupKey("A2", std::string(128, 'z'))] = -5;
  // The state and each remembered id are separate entities under the employee's prefix.
  const Nip nip = 198609262015051001ULL;
  std::vector<std::pair<std::string, std::string>> entities;
  std::string bytes;
  EncodeEmployee(s, &bytes);
  entities.push_back({EmployeeKey(nip), bytes});
  for (const auto& [key, ts] : s.dedup.applied) entities.push_back({DedupEntityKey(nip, key), EncodeDedupTimestamp(ts)});
  std::sort(entities.begin(), entities.end());  // the order a prefix scan returns them in
  EmployeeState back;
  for (const auto& [key, value] : entities) {
    REQUIRE(key.substr(0, 8) == EmployeeKey(nip));
    REQUIRE(AbsorbEmployeeEntity(std::string_view(key).substr(8), value, &back).ok());
  }
  CHECK(back == s);
  CHECK(back.dedup.newest_ms == 1700000000000);
  CHECK(back.dedup.oldest_ms == -5);
  CHECK_FALSE(AbsorbEmployeeEntity("x", "", &back).ok());

  EmployeeState empty;
  EncodeEmployee(empty, &bytes);
  back = EmployeeState{};
  REQUIRE(DecodeEmployee(bytes, &back).ok());
  CHECK(back == empty);
}

TEST_CASE("corrupt employee bytes are reported never misread") {
  EmployeeState s;
  s.known = true;
  s.activity[ToMonthIndex(2026, 3)] = {120, 7};
  std::string bytes;
  EncodeEmployee(s, &bytes);
  EmployeeState back;
  CHECK_FALSE(DecodeEmployee(bytes.substr(0, bytes.size() - 1), &back).ok());
  CHECK_FALSE(DecodeEmployee(bytes + "x", &back).ok());
  std::string wrong_version = bytes;
  wrong_version[0] = 99;
  CHECK(DecodeEmployee(wrong_version, &back).code() == Status::Code::kCorruption);
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
