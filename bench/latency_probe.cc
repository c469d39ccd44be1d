// kinerja_bench_latency_probe: event age seen from outside, for bench/latency.sh. Every
// --interval-ms it publishes one valid activity event of its own agency (source
// /agencies/PROBE) with the Kafka timestamp of that moment, then polls the running instance's
// /metrics until kinerja_agency_events_total{agency="PROBE"} has counted it: the time from the
// Kafka timestamp to that scrape is the event's age when its change was committed and visible.
//
// Prints one line per probe to stdout: "<unix seconds at publish> <age ms>", and a summary
// (count, p50, p99, max) to stderr at the end.
//
// Usage: kinerja_bench_latency_probe --brokers HOST:PORT --topic T --metrics-port P
//                                    [--seconds 60] [--interval-ms 100] [--poll-ms 2]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "ingest/kafka.h"

namespace {

using Clock = std::chrono::system_clock;

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "kinerja_bench_latency_probe: %s\n", msg.c_str());
  std::exit(1);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

// GET /metrics from 127.0.0.1:port; empty on failure.
std::string Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string body;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[65536];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
        body.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return body;
}

// The probe agency's applied events in a /metrics body; -1 when the series is not there.
double ProbeCount(const std::string& body) {
  const std::string series = "kinerja_agency_events_total{agency=\"PROBE\"} ";
  const size_t at = body.find(series);
  if (at == std::string::npos) return -1;
  return std::strtod(body.c_str() + at + series.size(), nullptr);
}

std::string Rfc3339Utc(int64_t ms, const char* format) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  std::string brokers, topic;
  int port = 0;
  double seconds = 60;
  int interval_ms = 100, poll_ms = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--brokers") {
      brokers = value;
    } else if (flag == "--topic") {
      topic = value;
    } else if (flag == "--metrics-port") {
      port = std::atoi(value.c_str());
    } else if (flag == "--seconds") {
      seconds = std::atof(value.c_str());
    } else if (flag == "--interval-ms") {
      interval_ms = std::atoi(value.c_str());
    } else if (flag == "--poll-ms") {
      poll_ms = std::atoi(value.c_str());
    } else {
      Die("unknown flag " + flag);
    }
  }
  if (brokers.empty() || topic.empty() || port <= 0 || interval_ms <= 0 || poll_ms <= 0) {
    Die("usage: --brokers HOST:PORT --topic T --metrics-port P [--seconds S] [--interval-ms N] "
        "[--poll-ms N]");
  }
  auto producer =
      kinerja::ingest::KafkaProducer::Create({brokers, "kinerja-latency-probe", {}, {}});
  if (!producer.ok()) Die(producer.status().ToString());
  const std::string nip = "199001012020011001";  // the probe's own employee

  double seen = ProbeCount(Scrape(port));
  std::vector<double> ages;
  const int64_t end_ms = NowMs() + static_cast<int64_t>(seconds * 1000);
  for (int n = 0; NowMs() < end_ms; ++n) {
    const int64_t t0 = NowMs();
    const std::string event =
        "{\"specversion\":\"1.0\",\"id\":\"probe-" + std::to_string(t0) + "-" + std::to_string(n) +
        "\",\"source\":\"/agencies/PROBE\",\"type\":\"kinerja.activity.logged.v1\",\"subject\":\"" +
        nip + "\",\"time\":\"" + Rfc3339Utc(t0, "%Y-%m-%dT%H:%M:%SZ") +
        "\",\"datacontenttype\":\"application/json\",\"data\":{\"date\":\"" +
        Rfc3339Utc(t0, "%Y-%m-%d") + "\",\"minutes\":1,\"category\":\"administrative\"}}";
    if (auto st = (*producer)->Send(topic, nip, event, {}, t0); !st.ok()) Die(st.ToString());
    if (auto st = (*producer)->Flush(std::chrono::seconds(10)); !st.ok()) Die(st.ToString());
    // Visible once the count passes what it was before this probe.
    const double before = seen;
    for (;;) {
      const double count = ProbeCount(Scrape(port));
      if (count > before) {
        seen = count;
        break;
      }
      if (NowMs() - t0 > 600000) Die("probe not visible after 10 minutes");
      std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
    }
    const double age = static_cast<double>(NowMs() - t0);
    ages.push_back(age);
    std::printf("%.3f %.0f\n", static_cast<double>(t0) / 1000, age);
    std::fflush(stdout);
    const int64_t next = t0 + interval_ms;
    if (NowMs() < next) std::this_thread::sleep_for(std::chrono::milliseconds(next - NowMs()));
  }
  std::fprintf(stderr, "probes %zu p50 %.0f ms p99 %.0f ms max %.0f ms\n", ages.size(),
               Percentile(ages, 0.5), Percentile(ages, 0.99), Percentile(ages, 1.0));
  return 0;
}
