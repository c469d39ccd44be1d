// Standard process metrics from /proc (prometheus-cpp 1.0 has no process collector).
#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "export/metrics.h"
#include "single_value.h"

namespace kinerja::exporter {
namespace {

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(4096, '\n');
  }
  return 0;
}

class ProcessCollectable : public prometheus::Collectable {
 public:
  ProcessCollectable()
      : ticks_(static_cast<double>(sysconf(_SC_CLK_TCK))), boot_(BootTimeSeconds()) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    std::ifstream stat("/proc/self/stat");
    std::string line;
    std::getline(stat, line);
    // Fields after the parenthesised command name; see proc(5).
    const auto close = line.rfind(')');
    if (close == std::string::npos) return out;
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> f;
    for (std::string tok; rest >> tok;) f.push_back(tok);
    if (f.size() < 22) return out;
    const double utime = std::stod(f[11]), stime = std::stod(f[12]);
    const double start = std::stod(f[19]);
    const double vsize = std::stod(f[20]);
    const double rss_pages = std::stod(f[21]);
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    out.push_back(SingleValueFamily("process_cpu_seconds_total",
                                    "Total user and system CPU time spent in seconds.",
                                    prometheus::MetricType::Counter, (utime + stime) / ticks_));
    out.push_back(SingleValueFamily("process_resident_memory_bytes",
                                    "Resident memory size in bytes.", prometheus::MetricType::Gauge,
                                    rss_pages * page));
    out.push_back(SingleValueFamily("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                    prometheus::MetricType::Gauge, vsize));
    out.push_back(SingleValueFamily("process_start_time_seconds",
                                    "Start time of the process since unix epoch in seconds.",
                                    prometheus::MetricType::Gauge, boot_ + start / ticks_));
    out.push_back(SingleValueFamily("process_open_fds", "Number of open file descriptors.",
                                    prometheus::MetricType::Gauge, OpenFds()));
    return out;
  }

 private:
  static double OpenFds() {
    double n = 0;
    if (DIR* d = opendir("/proc/self/fd")) {
      while (readdir(d)) ++n;
      closedir(d);
      n -= 3;  // ".", ".." and the directory's own descriptor
    }
    return n;
  }
  double ticks_;
  double boot_;
};

}  // namespace

std::shared_ptr<prometheus::Collectable> NewProcessCollectable() {
  return std::make_shared<ProcessCollectable>();
}

}  // namespace kinerja::exporter
