// A partition's committed progress and KPI counters: read from the store (decoded), and a
// batch's changes to them turned into store writes. The pipeline and `kinerja kpis` read
// partitions through these.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "core/status.h"
#include "processors/kpi.h"
#include "storage/state_store.h"

namespace kinerja::state {

struct PartitionState {
  std::optional<int64_t> next_offset;  // none: nothing was ever committed for the partition
  processors::KpiTable counters;
  MonthIndex newest_month = processors::kNoMonth;  // the newest month seen (partition metadata)
  storage::OutcomeTotals outcomes;                 // what next_offset has passed
};

Result<PartitionState> LoadPartition(storage::StateStore& store, int32_t partition);
// Every partition that has committed anything, in partition order; the first error `fn`
// returns stops the walk and is returned.
Status ForEachPartition(storage::StateStore& store,
                        const std::function<Status(int32_t, const PartitionState&)>& fn);

// What one batch did to a partition.
struct PartitionChange {
  int64_t next_offset = 0;
  const processors::KpiTable* counters = nullptr;  // the counters' changes; may be null
  MonthIndex newest_month = processors::kNoMonth;
  storage::OutcomeTotals outcomes;  // of this batch's messages
};
// Appends to `writes` what takes the partition from `committed` to `committed` + `change`: the
// counters the change moved (their new values; 0 deletes), the offset, the metadata and the
// outcome totals.
void AppendPartitionWrites(int32_t partition, const PartitionState& committed,
                           const PartitionChange& change, storage::WriteSet* writes);
// After the writes are durable: `committed` becomes `committed` + `change`.
void ApplyPartitionChange(const PartitionChange& change, PartitionState* committed);

}  // namespace kinerja::state
