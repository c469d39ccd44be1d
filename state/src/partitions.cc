#include "state/partitions.h"

#include "state/codec.h"

namespace kinerja::state {
namespace {

Result<PartitionState> Decode(int32_t partition, const storage::PartitionSnapshot& snap) {
  PartitionState state;
  for (const auto& [key_bytes, value] : snap.counters) {
    auto key = DecodeKpiKey(key_bytes);
    if (!key) {
      return Status::Corruption("partition " + std::to_string(partition) + ": bad counter key");
    }
    state.counters.Add(*key, value);
  }
  if (!snap.meta.empty()) {
    PartitionMeta meta;
    KINERJA_RETURN_IF_ERROR(DecodePartitionMeta(snap.meta, &meta));
    state.newest_month = meta.newest_month;
  }
  state.next_offset = snap.next_offset;
  state.outcomes = snap.outcomes;
  return state;
}

storage::OutcomeTotals Sum(const storage::OutcomeTotals& a, const storage::OutcomeTotals& b) {
  return {a.applied + b.applied, a.duplicates + b.duplicates, a.dead_lettered + b.dead_lettered};
}

}  // namespace

Result<PartitionState> LoadPartition(storage::StateStore& store, int32_t partition) {
  auto snap = store.LoadPartition(partition);
  if (!snap.ok()) return snap.status();
  return Decode(partition, *snap);
}

Status ForEachPartition(storage::StateStore& store,
                        const std::function<Status(int32_t, const PartitionState&)>& fn) {
  return store.ForEachPartition([&](int32_t p, const storage::PartitionSnapshot& snap) {
    auto state = Decode(p, snap);
    if (!state.ok()) return state.status();
    return fn(p, *state);
  });
}

void AppendPartitionWrites(int32_t partition, const PartitionState& committed,
                           const PartitionChange& change, storage::WriteSet* writes) {
  if (change.counters != nullptr) {
    for (const auto& [key, delta] : *change.counters) {
      if (delta == 0) continue;
      writes->counters.push_back(
          {partition, EncodeKpiKey(key), committed.counters.Get(key) + delta});
    }
  }
  writes->progress.push_back({partition, change.next_offset,
                              EncodePartitionMeta({change.newest_month}),
                              Sum(committed.outcomes, change.outcomes)});
}

void ApplyPartitionChange(const PartitionChange& change, PartitionState* committed) {
  if (change.counters != nullptr) committed->counters.AddAll(*change.counters);
  committed->next_offset = change.next_offset;
  committed->newest_month = change.newest_month;
  committed->outcomes = Sum(committed->outcomes, change.outcomes);
}

}  // namespace kinerja::state
