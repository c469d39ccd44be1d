// The on-disk format of Kinerja's state, in one place: the format version, the entity keys and
// the binary encodings of EmployeeState, KPI counter keys and partition metadata. Each encoding
// carries its own version byte: a reader rejects a version it does not know instead of
// misreading it.
//
// One employee is several store entities, all under the prefix EmployeeKey(nip), so an event
// reads and rewrites only the parts it touches:
//   EmployeeCoreKey(nip)          master data, the `known` flag, the dedup clock and chunk list
//   DedupChunkKey(nip, seq)       the dedup ids (and timestamps) one batch remembered
//   YearKey(nip, year)            everything of one year (YearState)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "processors/employee.h"
#include "processors/kpi.h"

namespace kinerja::state {

using processors::DedupMemory;
using processors::EmployeeState;
using processors::YearState;

// The version of the whole state directory: these encodings and the store's key layout
// (storage/src/keys.h). A state directory records it when created, and a build opens only a
// directory of its own version (storage::RocksDbOptions::format). Change it whenever either
// changes in a way an older build would misread.
inline constexpr std::string_view kFormatVersion = "kinerja-state-4";

// Store keys (the NIP as 8 big-endian bytes, then a tag).
std::string EmployeeKey(Nip nip);  // the prefix of all of one employee's entities
std::string EmployeeCoreKey(Nip nip);
std::string DedupPrefix(Nip nip);
std::string DedupChunkKey(Nip nip, uint64_t seq);
std::string YearPrefix(Nip nip);
std::string YearKey(Nip nip, int year);

// The core: master data, `known`, the dedup clock and the list of dedup chunks. Not the years,
// not the dedup ids.
void EncodeEmployeeCore(const EmployeeState& state, std::string* out);
void EncodeYear(const YearState& year, std::string* out);
Status DecodeYear(std::string_view bytes, YearState* year);

struct EntityWrite {
  std::string key;
  std::optional<std::string> value;  // nullopt deletes
};
// Turns the dedup memory's unpersisted changes into store writes (a chunk of the pending ids,
// deletions of expired chunks). Call before EncodeEmployeeCore: it advances next_seq.
void FlushDedup(Nip nip, DedupMemory& memory, std::vector<EntityWrite>* writes);

// After the core was absorbed, before an event with Kafka timestamp `timestamp_ms` is checked:
// the keys of the dedup chunks that may still hold an id inside the window (the others are
// deleted at the next commit, unread).
std::vector<std::string> DedupChunksToRead(Nip nip, const EmployeeState& state, int64_t window_ms,
                                           int64_t timestamp_ms);

// The full ids of one dedup chunk (a DedupChunksToRead value) into memory->stored_ids, which
// is created (empty) when absent: what CheckDuplicateAndRemember needs after kNeedIds.
Status AbsorbDedupChunkIds(std::string_view value, DedupMemory* memory);

// Absorbs one entity found under EmployeeKey(nip); `suffix` is its key after that prefix.
// Reading every entity of an employee, in any order, rebuilds the whole state.
Status AbsorbEmployeeEntity(std::string_view suffix, std::string_view value, EmployeeState* state);

// A KPI counter's key: the KPI, its sub-key, the period (4 bytes, big endian), the agency code.
std::string EncodeKpiKey(const processors::KpiKey& key);
std::optional<processors::KpiKey> DecodeKpiKey(std::string_view bytes);

// Per-partition metadata stored beside the offsets.
struct PartitionMeta {
  MonthIndex newest_month = processors::kNoMonth;
};
std::string EncodePartitionMeta(const PartitionMeta& meta);
Status DecodePartitionMeta(std::string_view bytes, PartitionMeta* meta);

}  // namespace kinerja::state
