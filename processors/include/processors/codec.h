// Binary encoding of EmployeeState for the state store. Versioned: a reader rejects a version
// it does not know instead of misreading it.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "processors/employee.h"

namespace kinerja::processors {

void EncodeEmployee(const EmployeeState& state, std::string* out);
Status DecodeEmployee(std::string_view bytes, EmployeeState* state);

// Store key of an employee: the NIP as 8 big-endian bytes.
std::string EmployeeKey(Nip nip);

// Per-partition metadata stored beside the offsets.
struct PartitionMeta {
  MonthIndex newest_month = kNoMonth;
};
std::string EncodePartitionMeta(const PartitionMeta& meta);
Status DecodePartitionMeta(std::string_view bytes, PartitionMeta* meta);

}  // namespace kinerja::processors
