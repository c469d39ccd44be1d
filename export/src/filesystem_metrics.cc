// Free and total space of the filesystem that holds the state directory, so that an alert can
// fire before RocksDB runs out of disk (it needs room beyond the live data to compact).
#include <sys/statvfs.h>

#include "export/metrics.h"

namespace kinerja::exporter {
namespace {

prometheus::MetricFamily Gauge(std::string name, std::string help, double value) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric m;
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
  return f;
}

class FilesystemCollectable : public prometheus::Collectable {
 public:
  explicit FilesystemCollectable(std::string path) : path_(std::move(path)) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    struct statvfs fs {};
    if (statvfs(path_.c_str(), &fs) != 0) return {};
    const double block = static_cast<double>(fs.f_frsize);
    return {Gauge("kinerja_state_filesystem_avail_bytes",
                  "Bytes available to Kinerja on the filesystem of the state directory.",
                  static_cast<double>(fs.f_bavail) * block),
            Gauge("kinerja_state_filesystem_size_bytes",
                  "Size in bytes of the filesystem of the state directory.",
                  static_cast<double>(fs.f_blocks) * block)};
  }

 private:
  std::string path_;
};

}  // namespace

std::shared_ptr<prometheus::Collectable> NewFilesystemCollectable(std::string path) {
  return std::make_shared<FilesystemCollectable>(std::move(path));
}

}  // namespace kinerja::exporter
