// Free and total space of the filesystem that holds the state directory, so that an alert can
// fire before RocksDB runs out of disk (it needs room beyond the live data to compact).
#include <sys/statvfs.h>

#include "export/metrics.h"
#include "single_value.h"

namespace kinerja::exporter {
namespace {

class FilesystemCollectable : public prometheus::Collectable {
 public:
  explicit FilesystemCollectable(std::string path) : path_(std::move(path)) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    struct statvfs fs {};
    if (statvfs(path_.c_str(), &fs) != 0) return {};
    const double block = static_cast<double>(fs.f_frsize);
    return {
        SingleValueFamily("kinerja_state_filesystem_avail_bytes",
                          "Bytes available to Kinerja on the filesystem of the state directory.",
                          prometheus::MetricType::Gauge, static_cast<double>(fs.f_bavail) * block),
        SingleValueFamily("kinerja_state_filesystem_size_bytes",
                          "Size in bytes of the filesystem of the state directory.",
                          prometheus::MetricType::Gauge, static_cast<double>(fs.f_blocks) * block)};
  }

 private:
  std::string path_;
};

}  // namespace

std::shared_ptr<prometheus::Collectable> NewFilesystemCollectable(std::string path) {
  return std::make_shared<FilesystemCollectable>(std::move(path));
}

}  // namespace kinerja::exporter
