// StateStore over any ordered key-value engine: the key layout and snapshot logic live here
// once; the engines (std::map, RocksDB) only get, scan and apply batches.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "keys.h"
#include "storage/state_store.h"

namespace kinerja::storage {

class OrderedKv {
 public:
  struct Op {
    std::string key;
    const std::string* value;  // nullptr deletes; points into the caller's data (not copied)
  };
  virtual ~OrderedKv() = default;
  // Visits the keys in [from, to) in order while fn returns true (to empty: no end).
  virtual Status Scan(std::string_view from, std::string_view to,
                      const std::function<bool(std::string_view, std::string_view)>& fn) = 0;
  // (*values)[i]: the value of keys[i], or nullopt.
  virtual Status MultiGet(const std::vector<std::string>& keys,
                          std::vector<std::optional<std::string>>* values) = 0;
  virtual Status Apply(const std::vector<Op>& ops) = 0;  // atomically
  virtual uint64_t ApproximateSizeBytes() = 0;
  virtual uint64_t MemoryBytes() = 0;
};

class KvStateStore : public StateStore {
 public:
  explicit KvStateStore(std::unique_ptr<OrderedKv> kv) : kv_(std::move(kv)) {}

  // The counters (one bounded range), then the offset, the metadata and the outcome totals
  // (point reads). Entities, which sort between counters and metadata, are not read.
  Result<PartitionSnapshot> LoadPartition(int32_t partition) override {
    KINERJA_RETURN_IF_ERROR(CheckPartition(partition));
    PartitionSnapshot snap;
    Status inner;
    const std::string from = keys::Make(partition, keys::kCounter);
    Status st = kv_->Scan(from, keys::PrefixEnd(from), [&](std::string_view k, std::string_view v) {
      auto parsed = keys::Parse(k);
      if (!parsed) return false;
      inner = Absorb(*parsed, v, &snap);
      return inner.ok();
    });
    if (!st.ok()) return st;
    if (!inner.ok()) return inner;
    const std::vector<std::string> point = {keys::Make(partition, keys::kOffset),
                                            keys::Make(partition, keys::kMeta),
                                            keys::Make(partition, keys::kOutcomes)};
    std::vector<std::optional<std::string>> values;
    KINERJA_RETURN_IF_ERROR(kv_->MultiGet(point, &values));
    for (size_t i = 0; i < point.size(); ++i) {
      if (values[i]) KINERJA_RETURN_IF_ERROR(Absorb(*keys::Parse(point[i]), *values[i], &snap));
    }
    return snap;
  }

  Status GetEntities(int32_t partition, const std::vector<std::string>& entity_keys,
                     std::vector<std::optional<std::string>>* values) override {
    KINERJA_RETURN_IF_ERROR(CheckPartition(partition));
    std::vector<std::string> full;
    full.reserve(entity_keys.size());
    for (const auto& k : entity_keys) full.push_back(keys::Make(partition, keys::kEntity, k));
    return kv_->MultiGet(full, values);
  }

  Status ScanEntities(
      int32_t partition, std::string_view prefix,
      const std::function<Status(std::string_view, std::string_view)>& fn) override {
    KINERJA_RETURN_IF_ERROR(CheckPartition(partition));
    const std::string start = keys::Make(partition, keys::kEntity, prefix);
    Status inner;
    Status st =
        kv_->Scan(start, keys::PrefixEnd(start), [&](std::string_view k, std::string_view v) {
          inner = fn(k.substr(start.size()), v);
          return inner.ok();
        });
    return st.ok() ? inner : st;
  }

  Status Commit(const WriteSet& w) override {
    std::vector<OrderedKv::Op> ops;
    ops.reserve(w.entities.size() + w.counters.size() + 3 * w.progress.size());
    // Counter, offset and outcome values; reserved, so never moved.
    std::vector<std::string> encoded;
    encoded.reserve(w.counters.size() + 2 * w.progress.size());
    for (const auto& e : w.entities) {
      KINERJA_RETURN_IF_ERROR(CheckPartition(e.partition));
      ops.push_back({keys::Make(e.partition, keys::kEntity, e.key), e.value ? &*e.value : nullptr});
    }
    for (const auto& c : w.counters) {
      KINERJA_RETURN_IF_ERROR(CheckPartition(c.partition));
      const std::string* value = nullptr;
      if (c.value != 0) value = &encoded.emplace_back(keys::EncodeInt64(c.value));
      ops.push_back({keys::Make(c.partition, keys::kCounter, c.key), value});
    }
    for (const auto& p : w.progress) {
      KINERJA_RETURN_IF_ERROR(CheckPartition(p.partition));
      ops.push_back({keys::Make(p.partition, keys::kOffset),
                     &encoded.emplace_back(keys::EncodeInt64(p.next_offset))});
      ops.push_back({keys::Make(p.partition, keys::kMeta), &p.meta});
      ops.push_back({keys::Make(p.partition, keys::kOutcomes),
                     &encoded.emplace_back(keys::EncodeInt64(p.outcomes.applied) +
                                           keys::EncodeInt64(p.outcomes.duplicates) +
                                           keys::EncodeInt64(p.outcomes.dead_lettered))});
    }
    const std::string identity = w.identity ? keys::EncodeIdentity(*w.identity) : "";
    if (w.identity) ops.push_back({std::string(keys::kIdentityKey), &identity});
    return kv_->Apply(ops);
  }

  // Finds each partition with one bounded seek, then loads it like LoadPartition; stops at the
  // first error, the callback's included.
  Status ForEachPartition(
      const std::function<Status(int32_t, const PartitionSnapshot&)>& fn) override {
    for (int32_t p = 0; p <= keys::kMaxPartition;) {
      std::optional<int32_t> found;
      KINERJA_RETURN_IF_ERROR(kv_->Scan(keys::Prefix(p), keys::Prefix(keys::kMaxPartition + 1),
                                        [&](std::string_view k, std::string_view) {
                                          if (auto parsed = keys::Parse(k))
                                            found = parsed->partition;
                                          return false;
                                        }));
      if (!found) break;
      auto snap = LoadPartition(*found);
      if (!snap.ok()) return snap.status();
      KINERJA_RETURN_IF_ERROR(fn(*found, *snap));
      p = *found + 1;
    }
    return Status::OK();
  }

  uint64_t ApproximateSizeBytes() override { return kv_->ApproximateSizeBytes(); }
  uint64_t MemoryBytes() override { return kv_->MemoryBytes(); }

  Result<std::optional<StateIdentity>> LoadIdentity() override {
    std::vector<std::optional<std::string>> values;
    KINERJA_RETURN_IF_ERROR(kv_->MultiGet({std::string(keys::kIdentityKey)}, &values));
    if (!values[0]) return std::optional<StateIdentity>();
    auto identity = keys::DecodeIdentity(*values[0]);
    if (!identity) return Status::Corruption("bad state identity");
    return std::optional<StateIdentity>(std::move(*identity));
  }

 private:
  static Status CheckPartition(int32_t p) {
    if (p < 0 || p > keys::kMaxPartition) return Status::InvalidArgument("partition out of range");
    return Status::OK();
  }

  static Status Absorb(const keys::Parsed& k, std::string_view v, PartitionSnapshot* snap) {
    switch (k.kind) {
      case keys::kOffset: {
        auto off = keys::DecodeInt64(v);
        if (!off) return Status::Corruption("bad offset value");
        snap->next_offset = *off;
        break;
      }
      case keys::kCounter: {
        auto val = keys::DecodeInt64(v);
        if (!val) return Status::Corruption("bad counter value");
        snap->counters.emplace_back(std::string(k.suffix), *val);
        break;
      }
      case keys::kMeta:
        snap->meta = std::string(v);
        break;
      case keys::kOutcomes: {
        if (v.size() != 24) return Status::Corruption("bad outcome totals");
        snap->outcomes = {*keys::DecodeInt64(v.substr(0, 8)), *keys::DecodeInt64(v.substr(8, 8)),
                          *keys::DecodeInt64(v.substr(16))};
        break;
      }
      default:
        break;  // entities are read on demand
    }
    return Status::OK();
  }

  std::unique_ptr<OrderedKv> kv_;
};

}  // namespace kinerja::storage
