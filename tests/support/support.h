// Test support: temp dirs, child processes, a real broker's address, event builders, HTTP GET.
// Used by unit, integration and e2e tests alike.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kinerja::testing {

// A fresh directory, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// An environment variable set for the life of the object; the child processes started meanwhile
// (RunCommand, Process) inherit it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

// A child process started by the test and ended by the test, by PID.
class Process {
 public:
  // stdout and stderr go to `log_path` (appended).
  Process(std::vector<std::string> argv, const std::string& log_path);
  ~Process();  // SIGKILLs the child if it is still running
  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // Waits for exit up to `timeout`; returns the exit code (128+signal if killed), or nullopt.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs a command to completion (deadline 5 min); returns exit code, output in *out.
int RunCommand(const std::vector<std::string>& argv, std::string* out = nullptr);
// Path of the kinerja binary under test.
std::string KinerjaBinary();
std::string ReadFile(const std::string& path);

// Polls `condition` every `interval` until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds interval = std::chrono::milliseconds(50));

// The shared broker of this ctest run (fixture "kafka"); empty if not configured.
std::string TestBrokers();
// A topic name no other test uses.
std::string UniqueTopic(const std::string& prefix);

// The end offset (high watermark) of every partition of `topic`, indexed by partition: in a
// fresh topic, the number of messages each partition holds.
std::vector<int64_t> EndOffsets(const std::string& brokers, const std::string& topic);
// Whether the brokers' metadata lists `topic`.
bool TopicExists(const std::string& brokers, const std::string& topic);
// Deletes `topic` with the admin API; throws when the broker refuses.
void DeleteTopic(const std::string& brokers, const std::string& topic);

// A broker of the test's own (ops/kafka.sh start DIR), for tests that kill and restart it;
// stopped and DIR deleted when the object goes (ops/kafka.sh stop DIR --clean).
class LocalKafka {
 public:
  explicit LocalKafka(std::string dir);  // throws when the broker does not start
  ~LocalKafka();
  LocalKafka(const LocalKafka&) = delete;
  const std::string& brokers() const { return brokers_; }
  // SIGKILL to the broker's PID (DIR/kafka.pid); returns once the process is gone.
  void Kill();
  // ops/kafka.sh restart DIR: the same data and ports; returns once it answers.
  void Restart();

 private:
  std::string dir_, brokers_;
};

// A TCP port on 127.0.0.1 that nothing listens on (bound, read, and released again).
int FreeLoopbackPort();

// Plain HTTP GET on 127.0.0.1; returns the body, or nullopt on connection failure / non-200.
std::optional<std::string> HttpGet(int port, const std::string& path);
struct HttpResponse {
  int status = 0;
  std::string body;
};
// The same, with any status (e.g. a 400 and its JSON error); nullopt on connection failure.
std::optional<HttpResponse> HttpGetResponse(int port, const std::string& path);

// Builders of valid contract-v1 events (JSON text), one per type of docs/events.md. `id` must be
// unique per source; the last argument is the publishing agency (`source` is
// "/agencies/<source>"). Numbers are written so that they read back as the same double.
// Out-of-range arguments (minutes 0, a negative value, an unknown enumeration) give the
// corresponding invalid event, which is handy for dead-letter tests.
struct Ev {
  struct Indicator {
    std::string id;
    double target = 1;
    std::string kind = "utama";
  };
  static std::string Upsert(const std::string& id, const std::string& nip,
                            const std::string& agency, const std::string& status = "active",
                            const std::string& tz = "Asia/Jakarta",
                            const std::string& time = "2026-01-02T08:00:00+07:00",
                            const std::string& source = "");  // empty: the agency itself
  static std::string Skp(const std::string& id, const std::string& nip, int year,
                         const std::vector<Indicator>& indicators,
                         const std::string& source = "A1");
  // `period` is a month "YYYY-MM".
  static std::string Realisasi(const std::string& id, const std::string& nip,
                               const std::string& period, const std::string& indicator,
                               double value, const std::string& source = "A1");
  static std::string Evidence(const std::string& id, const std::string& nip,
                              const std::string& period, const std::string& indicator,
                              const std::string& evidence, const std::string& source = "A1");
  // `time` is the RFC 3339 envelope time, with its offset: it decides the month (docs/events.md
  // rule 5).
  static std::string Feedback(const std::string& id, const std::string& nip,
                              const std::string& time,
                              const std::string& giver = "197001012000011001",
                              const std::string& value = "kompeten",
                              const std::string& source = "A1");
  // `period` is a month "YYYY-MM" (periodic evaluation) or a year "YYYY" (the annual one).
  static std::string Rating(const std::string& id, const std::string& nip,
                            const std::string& period, const std::string& hasil,
                            const std::string& perilaku,
                            const std::string& rater = "197001012000011001",
                            const std::string& source = "A1");
  static std::string Potential(const std::string& id, const std::string& nip, int year,
                               const std::string& potential, const std::string& source = "A1");
  static std::string Activity(const std::string& id, const std::string& nip,
                              const std::string& date, int minutes, const std::string& category,
                              const std::string& agency = "A1");
  static std::string Training(const std::string& id, const std::string& nip,
                              const std::string& course, const std::string& completed_on,
                              int minutes, const std::string& agency = "A1");
  // A JSON number that parses back to exactly `v`.
  static std::string Number(double v);
};

// A message read back from a topic.
struct ReadMessage {
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key, value;
  std::map<std::string, std::string> headers;
};
// Reads every message of `topic` up to its end offsets at call time; `properties` are extra
// librdkafka properties (a secured broker's).
std::vector<ReadMessage> ReadTopic(const std::string& brokers, const std::string& topic,
                                   const std::map<std::string, std::string>& properties = {});

}  // namespace kinerja::testing
