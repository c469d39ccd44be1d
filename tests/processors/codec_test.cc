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
  Envelope e1{"id-1", "A1", EventType::kActivityLogged, 1, {}};
  Envelope e2{std::string(128, 'z'), "A2", EventType::kActivityLogged, 1, {}};
  Envelope e3{"id-3", "A1", EventType::kActivityLogged, 1, {}};
  constexpr int64_t kWindow = 1000000;
  // The state and its dedup chunks are separate entities under the employee's prefix.
  const Nip nip = 198609262015051001ULL;
  std::vector<EntityWrite> writes;
  REQUIRE_FALSE(CheckDuplicateAndRemember(s.dedup, e1, 1700000000000, kWindow));
  REQUIRE_FALSE(CheckDuplicateAndRemember(s.dedup, e2, 1700000000005, kWindow));
  FlushDedup(nip, s.dedup, &writes);
  REQUIRE_FALSE(CheckDuplicateAndRemember(s.dedup, e3, 1700000000007, kWindow));
  FlushDedup(nip, s.dedup, &writes);
  std::string bytes;
  EncodeEmployee(s, &bytes);
  std::vector<std::pair<std::string, std::string>> entities = {{EmployeeKey(nip), bytes}};
  for (const auto& w : writes) entities.push_back({w.key, *w.value});
  std::sort(entities.begin(), entities.end());  // the order a prefix scan returns them in
  EmployeeState back;
  for (const auto& [key, value] : entities) {
    REQUIRE(key.substr(0, 8) == EmployeeKey(nip));
    REQUIRE(AbsorbEmployeeEntity(std::string_view(key).substr(8), value, &back).ok());
  }
  CHECK(back == s);
  CHECK(back.dedup.oldest_ms == 1700000000000);
  // Reloaded, the memory still knows its ids and numbers new chunks after the old ones.
  CHECK(CheckDuplicateAndRemember(back.dedup, e2, 1700000000010, kWindow));
  CHECK(back.dedup.next_seq == 2);
  CHECK_FALSE(AbsorbEmployeeEntity("x", "", &back).ok());
  CHECK_FALSE(AbsorbEmployeeEntity(DedupChunkKey(nip, 7).substr(8), "\x05", &back).ok());

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
