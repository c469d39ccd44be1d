#include <filesystem>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "kv_state_store.h"
#include "log/log.h"

namespace kinerja::storage {
namespace {

Status Wrap(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsNotFound()) return Status::NotFound(msg);
  return Status::IOError(msg);
}

class RocksKv : public OrderedKv {
 public:
  explicit RocksKv(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {
    // The WAL stays on (a process crash loses nothing); no fsync per batch: a machine crash
    // rewinds state and offsets together, so the replay is still exact.
    write_options_.sync = false;
    write_options_.disableWAL = false;
  }
  ~RocksKv() override {
    // Closing flushes nothing the WAL does not hold; a failure here loses no committed batch,
    // but it is worth a line.
    if (Status st = Wrap(db_->Close(), "closing the state directory"); !st.ok()) {
      log::Write(log::Level::kWarn, "state", st.ToString());
    }
  }

  Status Scan(std::string_view from, std::string_view to,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    rocksdb::ReadOptions read;
    const rocksdb::Slice upper(to.data(), to.size());
    if (!to.empty()) read.iterate_upper_bound = &upper;  // never reads blocks past `to`
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
    for (it->Seek(rocksdb::Slice(from.data(), from.size())); it->Valid(); it->Next()) {
      if (!fn(it->key().ToStringView(), it->value().ToStringView())) break;
    }
    return Wrap(it->status(), "state scan");
  }

  Status MultiGet(const std::vector<std::string>& keys,
                  std::vector<std::optional<std::string>>* values) override {
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    std::vector<std::string> found;
    std::vector<rocksdb::Status> st = db_->MultiGet(rocksdb::ReadOptions(), slices, &found);
    values->assign(keys.size(), std::nullopt);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (st[i].ok()) {
        (*values)[i] = std::move(found[i]);
      } else if (!st[i].IsNotFound()) {
        return Wrap(st[i], "state read");
      }
    }
    return Status::OK();
  }

  Status Apply(const std::vector<Op>& ops) override {
    size_t bytes = 0;
    for (const auto& op : ops) bytes += op.key.size() + (op.value ? op.value->size() : 0) + 16;
    rocksdb::WriteBatch batch(bytes);
    for (const auto& op : ops) {
      rocksdb::Status s = op.value ? batch.Put(op.key, *op.value) : batch.Delete(op.key);
      if (!s.ok()) return Wrap(s, "state batch");
    }
    return Wrap(db_->Write(write_options_, &batch), "state commit");
  }

  uint64_t ApproximateSizeBytes() override {
    // Both properties exist in every RocksDB this builds with; an unknown one counts as 0.
    uint64_t live = 0, mem = 0;
    if (!db_->GetIntProperty(rocksdb::DB::Properties::kEstimateLiveDataSize, &live)) live = 0;
    if (!db_->GetIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &mem)) mem = 0;
    return live + mem;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
};

// The one place the RocksDB options of a state directory are decided.
rocksdb::Options EngineOptions(const RocksDbOptions& o) {
  rocksdb::Options options;
  options.create_if_missing = !o.read_only;
  options.write_buffer_size = o.write_buffer_bytes;
  options.max_write_buffer_number = 4;
  options.max_background_jobs = 2;
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace

Status CompactRocksDbState(const RocksDbOptions& o) {
  if (o.path.empty()) return Status::InvalidArgument("state-dir: must not be empty");
  // RocksDB would create the directory before failing; a compaction must not.
  std::error_code ec;
  if (!std::filesystem::is_directory(o.path, ec)) {
    return Status::NotFound("state directory " + o.path + " does not exist");
  }
  rocksdb::Options options = EngineOptions(o);
  options.create_if_missing = false;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, o.path, &raw);
  if (!s.ok()) return Wrap(s, "opening state directory " + o.path);
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::CompactRangeOptions cro;
  cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  s = db->CompactRange(cro, nullptr, nullptr);
  if (!s.ok()) return Wrap(s, "compacting state directory " + o.path);
  return Wrap(db->Close(), "closing state directory " + o.path);
}

Result<std::unique_ptr<StateStore>> OpenRocksDbStateStore(const RocksDbOptions& o) {
  if (o.path.empty()) return Status::InvalidArgument("state-dir: must not be empty");
  const rocksdb::Options options = EngineOptions(o);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = o.read_only ? rocksdb::DB::OpenForReadOnly(options, o.path, &raw)
                                  : rocksdb::DB::Open(options, o.path, &raw);
  if (!s.ok()) return Wrap(s, "opening state directory " + o.path);
  std::unique_ptr<rocksdb::DB> db(raw);

  // Refuse a directory written with another layout rather than misreading it.
  std::string format;
  s = db->Get(rocksdb::ReadOptions(),
              rocksdb::Slice(keys::kFormatKey.data(), keys::kFormatKey.size()), &format);
  if (s.IsNotFound()) {
    if (o.read_only)
      return Status::NotFound("state directory " + o.path + " holds no Kinerja state");
    s = db->Put(rocksdb::WriteOptions(),
                rocksdb::Slice(keys::kFormatKey.data(), keys::kFormatKey.size()),
                rocksdb::Slice(keys::kFormatVersion.data(), keys::kFormatVersion.size()));
    if (!s.ok()) return Wrap(s, "initialising state directory");
  } else if (!s.ok()) {
    return Wrap(s, "reading state format");
  } else if (format != keys::kFormatVersion) {
    return Status::Corruption("state directory " + o.path + " has format '" + format +
                              "', this build reads '" + std::string(keys::kFormatVersion) + "'");
  }
  return std::unique_ptr<StateStore>(
      std::make_unique<KvStateStore>(std::make_unique<RocksKv>(std::move(db))));
}

}  // namespace kinerja::storage
