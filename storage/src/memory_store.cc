#include <map>
#include <mutex>
#include <shared_mutex>

#include "kv_state_store.h"

namespace kinerja::storage {
namespace {

// Thread-safe like RocksDB: the pipeline reads while its commit thread writes.
class MemoryKv : public OrderedKv {
 public:
  Status Scan(std::string_view from, std::string_view to,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    std::shared_lock lock(mu_);
    for (auto it = data_.lower_bound(from); it != data_.end(); ++it) {
      if (!to.empty() && std::string_view(it->first) >= to) break;
      if (!fn(it->first, it->second)) break;
    }
    return Status::OK();
  }
  Status MultiGet(const std::vector<std::string>& keys,
                  std::vector<std::optional<std::string>>* values) override {
    std::shared_lock lock(mu_);
    values->assign(keys.size(), std::nullopt);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (auto it = data_.find(keys[i]); it != data_.end()) (*values)[i] = it->second;
    }
    return Status::OK();
  }
  Status Apply(const std::vector<Op>& ops) override {
    std::unique_lock lock(mu_);
    for (const auto& op : ops) {
      if (op.value) {
        data_.insert_or_assign(op.key, *op.value);
      } else {
        data_.erase(op.key);
      }
    }
    return Status::OK();
  }
  uint64_t MemoryBytes() override { return ApproximateSizeBytes(); }
  uint64_t ApproximateSizeBytes() override {
    std::shared_lock lock(mu_);
    uint64_t n = 0;
    for (const auto& [k, v] : data_) n += k.size() + v.size();
    return n;
  }

 private:
  std::shared_mutex mu_;
  std::map<std::string, std::string, std::less<>> data_;  // guarded by mu_
};

}  // namespace

std::unique_ptr<StateStore> NewMemoryStateStore() {
  return std::make_unique<KvStateStore>(std::make_unique<MemoryKv>());
}

}  // namespace kinerja::storage
