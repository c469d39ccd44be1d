#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

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
  // `path` names the directory in every error (a full disk, a read-only file system, damage
  // found by a read): the operator learns which directory and why.
  RocksKv(std::unique_ptr<rocksdb::DB> db, std::string path)
      : db_(std::move(db)), where_("state directory " + std::move(path)) {
    // The WAL stays on (a process crash loses nothing); no fsync per batch: a machine crash
    // rewinds state and offsets together, so the replay is still exact.
    write_options_.sync = false;
    write_options_.disableWAL = false;
  }
  ~RocksKv() override {
    // Closing flushes nothing the WAL does not hold; a failure here loses no committed batch,
    // but it is worth a line.
    if (Status st = Wrap(db_->Close(), where_ + ": closing"); !st.ok()) {
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
    return Wrap(it->status(), where_ + ": scan");
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
        return Wrap(st[i], where_ + ": read");
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
      if (!s.ok()) return Wrap(s, where_ + ": batch");
    }
    return Wrap(db_->Write(write_options_, &batch), where_ + ": commit");
  }

  uint64_t MemoryBytes() override {
    uint64_t usage = 0;
    if (!db_->GetIntProperty(rocksdb::DB::Properties::kBlockCacheUsage, &usage)) usage = 0;
    return usage;
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
  std::string where_;
  rocksdb::WriteOptions write_options_;
};

// RocksDB's own lines go through kinerja::log (component "rocksdb") instead of a LOG file in
// the state directory. An operator reads one log, not two; and on a full disk RocksDB 7.8, as
// Debian builds it (assertions on), aborts the process when it logs the write error into a LOG
// file whose last write failed, so the error never reached the operator. Its info lines
// (flushes, compactions, statistics) are debug lines; warnings and errors are rate-limited.
class RocksLogger : public rocksdb::Logger {
 public:
  explicit RocksLogger(rocksdb::InfoLogLevel lowest = rocksdb::InfoLogLevel::INFO_LEVEL)
      : rocksdb::Logger(lowest) {}
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    const log::Level ours =
        level == rocksdb::InfoLogLevel::WARN_LEVEL ? log::Level::kWarn
        : level == rocksdb::InfoLogLevel::ERROR_LEVEL || level == rocksdb::InfoLogLevel::FATAL_LEVEL
            ? log::Level::kError
            : log::Level::kDebug;
    if (!log::Enabled(ours)) return;
    char buf[2048];
    const int n = std::vsnprintf(buf, sizeof buf, format, ap);
    if (n < 0) return;
    std::string_view line(buf, std::min(static_cast<size_t>(n), sizeof buf - 1));
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.remove_suffix(1);
    if (ours == log::Level::kDebug) {
      log::Write(ours, "rocksdb", line);
    } else {
      static log::RateLimited limited(20, std::chrono::seconds(60));  // every store's lines
      limited.Write(ours, "rocksdb", line);
    }
  }
};

// The one place the RocksDB options of a state directory are decided.
rocksdb::Options EngineOptions(const RocksDbOptions& o) {
  rocksdb::Options options;
  options.info_log = std::make_shared<RocksLogger>();
  options.create_if_missing = !o.read_only;
  // One cache bounds RocksDB's memory: blocks, index and filter blocks, and (charged to it by
  // the write buffer manager) the memtables, which get at most half of it.
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(o.memory_bytes);
  options.write_buffer_manager =
      std::make_shared<rocksdb::WriteBufferManager>(o.memory_bytes / 2, cache);
  options.write_buffer_size = std::max<size_t>(o.memory_bytes / 4, 1 << 20);
  options.max_write_buffer_number = 4;
  options.max_background_jobs = 2;
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks stay with their table readers, outside the cache: in it, the
  // memtables' share crowds them out and every point read of a new employee then reads them
  // from the files again (measured while loading 1M employees: about 5k events/s, 70 % of the
  // time in reads of those blocks). They take about 1.5 bytes per key.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

// What a state directory holds, found without creating or changing anything in it.
enum class DirKind { kMissing, kEmpty, kRocksDb };

Result<DirKind> InspectStateDir(const std::string& path) {
  namespace fs = std::filesystem;
  const std::string where = "state directory " + path;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) return DirKind::kMissing;
  if (ec) return Status::IOError(where + ": " + ec.message());
  if (status.type() != fs::file_type::directory) {
    return Status::InvalidArgument(where + " is not a directory");
  }
  bool current = false, manifest = false;
  std::vector<std::string> others;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name == "CURRENT") {
      current = true;
    } else if (name.rfind("MANIFEST-", 0) == 0) {
      manifest = true;
    } else if (name != "lost+found") {  // the root of a freshly made file system
      others.push_back(name);
    }
  }
  if (ec) return Status::IOError(where + ": cannot list it: " + ec.message());
  if (current) return DirKind::kRocksDb;
  if (manifest) {
    return Status::Corruption(where +
                              " is damaged: it has a RocksDB MANIFEST but no CURRENT file. Kinerja "
                              "does not repair or reset a state: restore it from a backup, or "
                              "replay the topic into an empty directory");
  }
  if (others.empty()) return DirKind::kEmpty;
  std::sort(others.begin(), others.end());
  std::string listed;
  for (size_t i = 0; i < others.size() && i < 3; ++i) listed += (i ? ", '" : "'") + others[i] + "'";
  if (others.size() > 3) listed += ", ...";
  // RocksDB would create a database among these files; a state is never made in a directory
  // that holds something else.
  return Status::InvalidArgument(where +
                                 " is not empty and holds no Kinerja state (no RocksDB "
                                 "database; it holds " +
                                 listed +
                                 "): give the directory of a Kinerja state, an empty directory or "
                                 "a path that does not exist yet");
}

// A database that cannot be opened: damage (exit 1), a database of another kind (exit 2), or
// an I/O failure such as a read-only or full file system, missing permissions, or the
// directory in use by another process (exit 1).
Status OpenError(const rocksdb::Status& s, const std::string& path) {
  const std::string where = "state directory " + path;
  if (s.IsCorruption() || s.IsPathNotFound() || s.IsNotFound()) {
    return Status::Corruption(where + " is damaged (" + s.ToString() +
                              "). Kinerja does not repair or reset a state: restore it from a "
                              "backup, or replay the topic into an empty directory");
  }
  if (s.IsInvalidArgument() || s.IsNotSupported()) {
    return Status::InvalidArgument(where + " holds a RocksDB database Kinerja cannot use (" +
                                   s.ToString() + ")");
  }
  const std::string text = s.ToString();
  if (text.find("LOCK") != std::string::npos &&
      (text.find("Resource temporarily unavailable") != std::string::npos ||
       text.find("lock hold") != std::string::npos)) {
    return Status::IOError(where + " is in use by another process (" + text + ")");
  }
  return Status::IOError(where + ": cannot open it (" + s.ToString() + ")");
}

// The state format marker: true when present and this build's, false when the database holds
// nothing at all (its creation stopped before the marker was written). Anything else is
// refused rather than misread.
Result<bool> CheckFormat(rocksdb::DB* db, const std::string& path, const std::string& expected) {
  const std::string where = "state directory " + path;
  std::string format;
  rocksdb::Status s =
      db->Get(rocksdb::ReadOptions(),
              rocksdb::Slice(keys::kFormatKey.data(), keys::kFormatKey.size()), &format);
  if (s.ok()) {
    if (format == expected) return true;
    return Status::InvalidArgument(where + " has state format '" + format +
                                   "', this build reads '" + expected +
                                   "': run the build that wrote it, or replay the topic into an "
                                   "empty directory");
  }
  if (!s.IsNotFound()) return Wrap(s, where + ": reading the state format");
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  if (!it->status().ok()) return Wrap(it->status(), where + ": reading");
  if (!it->Valid()) return false;
  return Status::InvalidArgument(where +
                                 " is a RocksDB database but not a Kinerja state (no "
                                 "state format marker): refusing to use it");
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
  if (o.format.empty()) {
    return Status::InvalidArgument("RocksDbOptions.format: must name the state format");
  }
  auto kind = InspectStateDir(o.path);
  if (!kind.ok()) return kind.status();
  rocksdb::Options options = EngineOptions(o);
  std::unique_ptr<rocksdb::DB> db;
  bool fresh = *kind != DirKind::kRocksDb;
  if (fresh && o.read_only) {
    return Status::NotFound("state directory " + o.path + " holds no Kinerja state (it " +
                            (*kind == DirKind::kMissing ? "does not exist" : "is empty") + ")");
  }
  if (!fresh) {
    // An existing database is opened read-only first, which writes nothing (not even RocksDB's
    // LOG): a directory refused here is left exactly as it was found.
    options.create_if_missing = false;
    rocksdb::Options check = options;
    // When this open is only the check before the read-write one, the lines both would log
    // (such as a torn WAL tail dropped) are logged once, by the second.
    if (!o.read_only) check.info_log = std::make_shared<RocksLogger>(rocksdb::ERROR_LEVEL);
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::OpenForReadOnly(check, o.path, &raw);
    if (!s.ok()) return OpenError(s, o.path);
    db.reset(raw);
    auto marker = CheckFormat(db.get(), o.path, o.format);
    if (!marker.ok()) return marker.status();
    fresh = !*marker;
    if (o.read_only) {
      if (fresh) {
        return Status::NotFound("state directory " + o.path +
                                " holds no Kinerja state (an empty RocksDB database)");
      }
      return std::unique_ptr<StateStore>(
          std::make_unique<KvStateStore>(std::make_unique<RocksKv>(std::move(db), o.path)));
    }
    if (Status st = Wrap(db->Close(), "state directory " + o.path + ": closing"); !st.ok()) {
      return st;
    }
    db.reset();
  }
  options.create_if_missing = *kind != DirKind::kRocksDb;
  if (*kind == DirKind::kMissing) {
    // Made here, as RocksDB would (not its parents), so that RocksDB does not log an error about
    // the missing directory first.
    std::error_code ec;
    std::filesystem::create_directory(o.path, ec);
    if (ec)
      return Status::IOError("state directory " + o.path + ": cannot create it: " + ec.message());
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, o.path, &raw);
  if (!s.ok()) return OpenError(s, o.path);
  db.reset(raw);
  if (fresh) {
    s = db->Put(rocksdb::WriteOptions(),
                rocksdb::Slice(keys::kFormatKey.data(), keys::kFormatKey.size()),
                rocksdb::Slice(o.format));
    if (!s.ok()) return Wrap(s, "state directory " + o.path + ": initialising");
  }
  return std::unique_ptr<StateStore>(
      std::make_unique<KvStateStore>(std::make_unique<RocksKv>(std::move(db), o.path)));
}

}  // namespace kinerja::storage
