// Binary encoding of EmployeeState for the state store. Versioned: a reader rejects a version
// it does not know instead of misreading it.
//
// One employee is several store entities, all under the prefix EmployeeKey(nip), so one prefix
// scan reads them all:
//   EmployeeKey(nip)                     everything but the dedup memory (EncodeEmployee)
//   DedupEntityKey(nip, DedupKey(...))   one remembered (source, id); value: its timestamp
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "processors/employee.h"

namespace kinerja::processors {

// The dedup memory is not part of this encoding (see above).
void EncodeEmployee(const EmployeeState& state, std::string* out);
Status DecodeEmployee(std::string_view bytes, EmployeeState* state);

// Store key of an employee: the NIP as 8 big-endian bytes.
std::string EmployeeKey(Nip nip);
std::string DedupEntityKey(Nip nip, std::string_view dedup_key);
std::string EncodeDedupTimestamp(int64_t timestamp_ms);
// Absorbs one entity found under EmployeeKey(nip); `suffix` is its key after that prefix.
Status AbsorbEmployeeEntity(std::string_view suffix, std::string_view value, EmployeeState* state);

// Per-partition metadata stored beside the offsets.
struct PartitionMeta {
  MonthIndex newest_month = kNoMonth;
};
std::string EncodePartitionMeta(const PartitionMeta& meta);
Status DecodePartitionMeta(std::string_view bytes, PartitionMeta* meta);

}  // namespace kinerja::processors
