// Binary encoding of EmployeeState for the state store. Versioned: a reader rejects a version
// it does not know instead of misreading it.
//
// One employee is several store entities, all under the prefix EmployeeKey(nip), so one prefix
// scan reads them all:
//   EmployeeKey(nip)              the state, with the dedup clock but not its ids (EncodeEmployee)
//   DedupChunkKey(nip, seq)       the ids (and timestamps) one batch remembered
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "processors/employee.h"

namespace kinerja::processors {

// The dedup ids are not part of this encoding (see above).
void EncodeEmployee(const EmployeeState& state, std::string* out);
Status DecodeEmployee(std::string_view bytes, EmployeeState* state);

// Store key of an employee: the NIP as 8 big-endian bytes.
std::string EmployeeKey(Nip nip);
std::string DedupChunkKey(Nip nip, uint64_t seq);

struct EntityWrite {
  std::string key;
  std::optional<std::string> value;  // nullopt deletes
};
// Turns the dedup memory's unpersisted changes into store writes (a chunk of the pending ids,
// deletions of expired chunks). Call before EncodeEmployee: it advances next_seq.
void FlushDedup(Nip nip, DedupMemory& memory, std::vector<EntityWrite>* writes);
// Absorbs one entity found under EmployeeKey(nip); `suffix` is its key after that prefix.
Status AbsorbEmployeeEntity(std::string_view suffix, std::string_view value, EmployeeState* state);

// Per-partition metadata stored beside the offsets.
struct PartitionMeta {
  MonthIndex newest_month = kNoMonth;
};
std::string EncodePartitionMeta(const PartitionMeta& meta);
Status DecodePartitionMeta(std::string_view bytes, PartitionMeta* meta);

}  // namespace kinerja::processors
