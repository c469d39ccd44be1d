#include "state/employees.h"

#include <algorithm>

#include "state/codec.h"

namespace kinerja::state {

using processors::EmployeeState;

// What a cache entry costs beyond its state: the hash map node, the key, the bookkeeping.
constexpr size_t kCacheEntryBytes = 64 + sizeof(Nip) + 96;

class EmployeeRepository::Employee {
 public:
  Employee(int32_t p, Nip n) : partition(p), nip(n) {}
  EmployeeState state;
  const int32_t partition;
  const Nip nip;
  std::vector<int> loaded_years;  // years read from the store (whether or not they existed)
  bool all_years = false;         // every year has been read
  uint64_t last_used = 0;         // batch number, for eviction
  size_t bytes = 0;               // charged to the cache
  bool touched = false;           // in touched_: written with the batch
  std::vector<int> changed_years;
};

struct EmployeeRepository::Partition {
  std::unordered_map<Nip, Employee> employees;
};

EmployeeRepository::EmployeeRepository(EmployeeCacheOptions options, storage::StateStore* store)
    : options_(options), store_(store) {}

EmployeeRepository::~EmployeeRepository() = default;

void EmployeeRepository::BeginBatch() { ++batch_; }

processors::EmployeeState& EmployeeRepository::StateOf(Employee& employee) {
  return employee.state;
}

Result<EmployeeRepository::Employee*> EmployeeRepository::Get(int32_t partition, Nip nip,
                                                              int64_t timestamp_ms) {
  std::unique_ptr<Partition>& part = partitions_[partition];
  if (!part) part = std::make_unique<Partition>();
  auto it = part->employees.find(nip);
  if (it == part->employees.end()) {
    Employee fresh(partition, nip);
    KINERJA_RETURN_IF_ERROR(ReadEntities(partition, nip, {EmployeeCoreKey(nip)}, &fresh.state));
    if (!fresh.state.dedup.chunks.empty()) {
      KINERJA_RETURN_IF_ERROR(
          ReadEntities(partition, nip,
                       DedupChunksToRead(nip, fresh.state, options_.dedup_window_ms, timestamp_ms),
                       &fresh.state));
    }
    it = part->employees.emplace(nip, std::move(fresh)).first;
    ++count_;
    Recharge(it->second);
  }
  Employee& e = it->second;
  e.last_used = batch_;
  if (!e.touched) {
    // Even an event found to be a duplicate writes the core: the window's clock may have moved.
    e.touched = true;
    touched_.push_back(&e);
  }
  return &e;
}

// Point-reads entities of one employee (keys under EmployeeKey(nip)) into *state; absent keys
// are skipped.
Status EmployeeRepository::ReadEntities(int32_t partition, Nip nip,
                                        const std::vector<std::string>& keys,
                                        EmployeeState* state) {
  if (keys.empty()) return Status::OK();
  std::vector<std::optional<std::string>> values;
  KINERJA_RETURN_IF_ERROR(store_->GetEntities(partition, keys, &values));
  const size_t prefix = EmployeeKey(nip).size();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (values[i]) {
      KINERJA_RETURN_IF_ERROR(
          AbsorbEmployeeEntity(std::string_view(keys[i]).substr(prefix), *values[i], state));
    }
  }
  return Status::OK();
}

Status EmployeeRepository::LoadDedupIds(Employee& e, int64_t timestamp_ms) {
  const std::vector<std::string> keys =
      DedupChunksToRead(e.nip, e.state, options_.dedup_window_ms, timestamp_ms);
  std::vector<std::optional<std::string>> values;
  if (!keys.empty()) KINERJA_RETURN_IF_ERROR(store_->GetEntities(e.partition, keys, &values));
  e.state.dedup.stored_ids.emplace();
  for (const auto& value : values) {
    if (value) KINERJA_RETURN_IF_ERROR(AbsorbDedupChunkIds(*value, &e.state.dedup));
  }
  return Status::OK();
}

Status EmployeeRepository::LoadYears(Employee& e, const processors::YearsNeeded& need) {
  if (e.all_years) return Status::OK();
  if (need.all) {
    // Re-read every year not already in memory (those in memory may be newer than the store).
    EmployeeState stored;
    const std::string prefix = YearPrefix(e.nip);
    const std::string tag = prefix.substr(EmployeeKey(e.nip).size());
    KINERJA_RETURN_IF_ERROR(store_->ScanEntities(
        e.partition, prefix, [&](std::string_view suffix, std::string_view value) {
          return AbsorbEmployeeEntity(tag + std::string(suffix), value, &stored);
        }));
    for (auto& [year, y] : stored.years) {
      if (std::find(e.loaded_years.begin(), e.loaded_years.end(), year) == e.loaded_years.end()) {
        e.state.years.emplace(year, std::move(y));
      }
    }
    e.all_years = true;
    e.loaded_years.clear();
    Recharge(e);
    return Status::OK();
  }
  if (!need.year ||
      std::find(e.loaded_years.begin(), e.loaded_years.end(), *need.year) != e.loaded_years.end()) {
    return Status::OK();
  }
  KINERJA_RETURN_IF_ERROR(ReadEntities(e.partition, e.nip, {YearKey(e.nip, *need.year)}, &e.state));
  e.loaded_years.push_back(*need.year);
  Recharge(e);
  return Status::OK();
}

void EmployeeRepository::YearChanged(Employee& e, int year) {
  if (std::find(e.changed_years.begin(), e.changed_years.end(), year) == e.changed_years.end()) {
    e.changed_years.push_back(year);
  }
}

void EmployeeRepository::AppendWrites(storage::WriteSet* writes) {
  std::vector<EntityWrite> dedup_writes;
  for (Employee* e : touched_) {
    dedup_writes.clear();
    FlushDedup(e->nip, e->state.dedup, &dedup_writes);
    for (auto& w : dedup_writes) {
      writes->entities.push_back({e->partition, std::move(w.key), std::move(w.value)});
    }
    for (int year : e->changed_years) {
      auto& entity = writes->entities.emplace_back(
          storage::WriteSet::Entity{e->partition, YearKey(e->nip, year), ""});
      EncodeYear(e->state.years.at(year), &*entity.value);
    }
    auto& core = writes->entities.emplace_back(
        storage::WriteSet::Entity{e->partition, EmployeeCoreKey(e->nip), ""});
    EncodeEmployeeCore(e->state, &*core.value);
    Recharge(*e);  // its pending ids are flushed, its years may have grown
    e->changed_years.clear();
    e->touched = false;
  }
  touched_.clear();
  unsettled_batch_ = batch_;
}

void EmployeeRepository::Recharge(Employee& e) {
  const size_t bytes = processors::ApproximateBytes(e.state) + kCacheEntryBytes;
  bytes_ = bytes_ - e.bytes + bytes;
  e.bytes = bytes;
}

bool EmployeeRepository::OverBudget() const { return bytes_ > options_.max_bytes; }

void EmployeeRepository::Evict() {
  // A touched employee is not written yet (and touched_ points at it): nothing goes mid-batch.
  if (!touched_.empty()) return;
  if (bytes_ <= options_.max_bytes && count_ <= options_.max_employees) return;
  struct Entry {
    uint64_t last_used;
    size_t bytes;
    Partition* part;
    Nip nip;
  };
  std::vector<Entry> entries;
  entries.reserve(count_);
  for (auto& [p, part] : partitions_) {
    for (const auto& [nip, e] : part->employees) {
      entries.push_back({e.last_used, e.bytes, part.get(), nip});
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.last_used > b.last_used; });
  const size_t keep_bytes = options_.max_bytes / 4 * 3;
  const size_t keep_count = options_.max_employees / 4 * 3;
  size_t bytes = 0;
  size_t count = 0;
  bool full = false;
  for (const Entry& e : entries) {
    // Sorted by recency, the unsettled employees come first and are always kept.
    const bool unsettled = unsettled_batch_ != 0 && e.last_used >= unsettled_batch_;
    full = !unsettled && (full || bytes + e.bytes > keep_bytes || count + 1 > keep_count);
    if (full) {
      e.part->employees.erase(e.nip);
    } else {
      bytes += e.bytes;
      ++count;
    }
  }
  bytes_ = bytes;
  count_ = count;
}

void EmployeeRepository::DropPartition(int32_t partition) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return;
  touched_.erase(std::remove_if(touched_.begin(), touched_.end(),
                                [&](const Employee* e) { return e->partition == partition; }),
                 touched_.end());
  for (const auto& [nip, e] : it->second->employees) bytes_ -= e.bytes;
  count_ -= it->second->employees.size();
  partitions_.erase(it);
}

}  // namespace kinerja::state
