// A StateStore that passes every call on to another one: the base of decorators that change
// a few calls and forward the rest (test twins that fail commits or reads, or record what the
// pipeline asks of the store).
#pragma once

#include "storage/state_store.h"

namespace kinerja::storage {

class ForwardingStateStore : public StateStore {
 public:
  explicit ForwardingStateStore(StateStore* inner) : inner_(inner) {}

  Result<PartitionSnapshot> LoadPartition(int32_t partition) override {
    return inner_->LoadPartition(partition);
  }
  Status GetEntities(int32_t partition, const std::vector<std::string>& keys,
                     std::vector<std::optional<std::string>>* values) override {
    return inner_->GetEntities(partition, keys, values);
  }
  Status ScanEntities(
      int32_t partition, std::string_view prefix,
      const std::function<Status(std::string_view suffix, std::string_view value)>& fn) override {
    return inner_->ScanEntities(partition, prefix, fn);
  }
  Status Commit(const WriteSet& writes) override { return inner_->Commit(writes); }
  Status ForEachPartition(
      const std::function<Status(int32_t partition, const PartitionSnapshot&)>& fn) override {
    return inner_->ForEachPartition(fn);
  }
  uint64_t ApproximateSizeBytes() override { return inner_->ApproximateSizeBytes(); }
  uint64_t MemoryBytes() override { return inner_->MemoryBytes(); }
  Result<std::optional<StateIdentity>> LoadIdentity() override { return inner_->LoadIdentity(); }

 protected:
  StateStore* inner() const { return inner_; }

 private:
  StateStore* inner_;
};

}  // namespace kinerja::storage
