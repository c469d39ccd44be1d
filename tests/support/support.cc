#include "support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kinerja::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "kinerja-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ScopedEnv::ScopedEnv(const char* name, const std::string& value) : name_(name) {
  ::setenv(name, value.c_str(), 1);
}

ScopedEnv::~ScopedEnv() { ::unsetenv(name_); }

Process::Process(std::vector<std::string> argv, const std::string& log_path) {
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

Process::~Process() {
  if (!status_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    int st;
    waitpid(pid_, &st, 0);
  }
}

void Process::Signal(int sig) {
  if (!status_) kill(pid_, sig);
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int st = 0;
    const pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return status_;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunCommand(const std::vector<std::string>& argv, std::string* out) {
  TempDir dir;
  const std::string log = dir / "out.log";
  Process p(argv, log);
  auto code = p.Wait(std::chrono::minutes(5));
  if (out) *out = ReadFile(log);
  return code.value_or(-1);
}

std::string KinerjaBinary() { return KINERJA_BINARY; }

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(interval);
  }
  return condition();
}

std::string TestBrokers() {
  const char* dir = std::getenv("KINERJA_TEST_KAFKA_DIR");
  if (!dir) return {};
  std::string b = ReadFile(std::string(dir) + "/bootstrap");
  while (!b.empty() && (b.back() == '\n' || b.back() == ' ')) b.pop_back();
  return b;
}

std::string UniqueTopic(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000000) +
         "-" + std::to_string(n++);
}

namespace {

// A client for metadata and admin requests; destroyed with the object.
struct AdminClient {
  rd_kafka_t* rk = nullptr;
  explicit AdminClient(const std::string& brokers) {
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), errstr, sizeof errstr)) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(errstr);
    }
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(errstr);
    }
  }
  ~AdminClient() { rd_kafka_destroy(rk); }
  AdminClient(const AdminClient&) = delete;

  // Partitions of `topic`, or -1 when the metadata does not list it.
  int Partitions(const std::string& topic) {
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(rk, 1, nullptr, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("metadata request failed");
    }
    int partitions = -1;
    for (int i = 0; i < md->topic_cnt; ++i) {
      if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        partitions = md->topics[i].partition_cnt;
      }
    }
    rd_kafka_metadata_destroy(md);
    return partitions;
  }
};

bool ProcessAlive(pid_t pid) {
  if (kill(pid, 0) != 0) return false;
  // A zombie (killed, not yet reaped by its parent) is dead.
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z' &&
         stat[paren + 2] != 'X';
}

}  // namespace

std::vector<int64_t> EndOffsets(const std::string& brokers, const std::string& topic) {
  AdminClient client(brokers);
  const int partitions = client.Partitions(topic);
  if (partitions < 0) throw std::runtime_error("no topic " + topic);
  std::vector<int64_t> ends;
  for (int p = 0; p < partitions; ++p) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_query_watermark_offsets(client.rk, topic.c_str(), p, &lo, &hi, 10000) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error("watermark offsets of " + topic + " failed");
    }
    ends.push_back(hi);
  }
  return ends;
}

bool TopicExists(const std::string& brokers, const std::string& topic) {
  return AdminClient(brokers).Partitions(topic) >= 0;
}

void DeleteTopic(const std::string& brokers, const std::string& topic) {
  AdminClient client(brokers);
  rd_kafka_DeleteTopic_t* del = rd_kafka_DeleteTopic_new(topic.c_str());
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client.rk);
  rd_kafka_DeleteTopics(client.rk, &del, 1, nullptr, queue);
  rd_kafka_DeleteTopic_destroy(del);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 30000);
  std::string error = ev ? "" : "no answer";
  if (ev) {
    if (rd_kafka_event_error(ev)) {
      error = rd_kafka_event_error_string(ev);
    } else {
      size_t n = 0;
      const rd_kafka_topic_result_t** results =
          rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
      for (size_t i = 0; i < n; ++i) {
        if (rd_kafka_topic_result_error(results[i])) {
          error = rd_kafka_err2str(rd_kafka_topic_result_error(results[i]));
        }
      }
    }
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(queue);
  if (!error.empty()) throw std::runtime_error("deleting topic " + topic + ": " + error);
}

LocalKafka::LocalKafka(std::string dir) : dir_(std::move(dir)) {
  std::string out;
  const std::string script = std::string(KINERJA_SOURCE_DIR) + "/ops/kafka.sh";
  if (RunCommand({"/bin/bash", script, "start", dir_}, &out) != 0) {
    RunCommand({"/bin/bash", script, "stop", dir_, "--clean"});
    throw std::runtime_error("ops/kafka.sh start failed: " + out);
  }
  brokers_ = ReadFile(dir_ + "/bootstrap");
  while (!brokers_.empty() && (brokers_.back() == '\n' || brokers_.back() == ' ')) {
    brokers_.pop_back();
  }
}

LocalKafka::~LocalKafka() {
  RunCommand(
      {"/bin/bash", std::string(KINERJA_SOURCE_DIR) + "/ops/kafka.sh", "stop", dir_, "--clean"});
}

void LocalKafka::Kill() {
  const pid_t pid = std::atoi(ReadFile(dir_ + "/kafka.pid").c_str());
  if (pid <= 0) throw std::runtime_error("no broker PID in " + dir_ + "/kafka.pid");
  kill(pid, SIGKILL);
  if (!WaitFor([&] { return !ProcessAlive(pid); }, std::chrono::seconds(30))) {
    throw std::runtime_error("broker PID " + std::to_string(pid) + " survived SIGKILL");
  }
}

void LocalKafka::Restart() {
  std::string out;
  if (RunCommand({"/bin/bash", std::string(KINERJA_SOURCE_DIR) + "/ops/kafka.sh", "restart", dir_},
                 &out) != 0) {
    throw std::runtime_error("ops/kafka.sh restart failed: " + out);
  }
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("could not bind a loopback port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::optional<std::string> HttpGet(int port, const std::string& path) {
  auto response = HttpGetResponse(port, path);
  if (!response || response->status != 200) return std::nullopt;
  return std::move(response->body);
}

std::optional<HttpResponse> HttpGetResponse(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return std::nullopt;
  }
  const std::string req =
      "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return std::nullopt;
  }
  std::string resp;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  const auto header_end = resp.find("\r\n\r\n");
  if (resp.rfind("HTTP/1.", 0) != 0 || header_end == std::string::npos) return std::nullopt;
  const auto space = resp.find(' ');
  return HttpResponse{std::atoi(resp.c_str() + space + 1), resp.substr(header_end + 4)};
}

namespace {
std::string Envelope(const std::string& id, const std::string& agency, const std::string& type,
                     const std::string& nip, const std::string& time, const std::string& data) {
  return R"({"specversion":"1.0","id":")" + id + R"(","source":"/agencies/)" + agency +
         R"(","type":")" + type + R"(","subject":")" + nip + R"(","time":")" + time +
         R"(","data":)" + data + "}";
}
}  // namespace

std::string Ev::Upsert(const std::string& id, const std::string& nip, const std::string& agency,
                       const std::string& status, const std::string& tz, const std::string& time,
                       const std::string& source) {
  return Envelope(
      id, source.empty() ? agency : source, "kinerja.employee.upserted.v1", nip, time,
      R"({"agency":")" + agency + R"(","unit":"Biro Umum","tz":")" + tz +
          R"(","position":"pelaksana","employment":"pns","supervisor":null,"status":")" + status +
          "\"}");
}

std::string Ev::Number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string Ev::Skp(const std::string& id, const std::string& nip, int year,
                    const std::vector<Indicator>& indicators, const std::string& source) {
  std::string list;
  for (const auto& i : indicators) {
    if (!list.empty()) list += ",";
    list += R"({"id":")" + i.id + R"(","kind":")" + i.kind + R"(","target":)" + Number(i.target) +
            R"(,"unit":"dokumen"})";
  }
  return Envelope(id, source, "kinerja.skp.approved.v1", nip,
                  std::to_string(year) + "-01-15T09:00:00+07:00",
                  R"({"year":)" + std::to_string(year) + R"(,"indicators":[)" + list + "]}");
}

std::string Ev::Realisasi(const std::string& id, const std::string& nip, const std::string& period,
                          const std::string& indicator, double value, const std::string& source) {
  return Envelope(id, source, "kinerja.realisasi.reported.v1", nip, period + "-20T09:00:00+07:00",
                  R"({"period":")" + period + R"(","indicator":")" + indicator + R"(","value":)" +
                      Number(value) + "}");
}

std::string Ev::Evidence(const std::string& id, const std::string& nip, const std::string& period,
                         const std::string& indicator, const std::string& evidence,
                         const std::string& source) {
  return Envelope(id, source, "kinerja.evidence.submitted.v1", nip, period + "-21T09:00:00+07:00",
                  R"({"period":")" + period + R"(","indicator":")" + indicator +
                      R"(","evidence":")" + evidence + "\"}");
}

std::string Ev::Feedback(const std::string& id, const std::string& nip, const std::string& time,
                         const std::string& giver, const std::string& value,
                         const std::string& source) {
  return Envelope(
      id, source, "kinerja.feedback.given.v1", nip, time,
      R"({"giver":")" + giver + R"(","value":")" + value + R"(","note":"Terima kasih"})");
}

std::string Ev::Rating(const std::string& id, const std::string& nip, const std::string& period,
                       const std::string& hasil, const std::string& perilaku,
                       const std::string& rater, const std::string& source) {
  const std::string time =
      period.size() == 4 ? period + "-12-20T09:00:00+07:00" : period + "-28T09:00:00+07:00";
  return Envelope(id, source, "kinerja.rating.assigned.v1", nip, time,
                  R"({"period":")" + period + R"(","hasil":")" + hasil + R"(","perilaku":")" +
                      perilaku + R"(","rater":")" + rater + "\"}");
}

std::string Ev::Potential(const std::string& id, const std::string& nip, int year,
                          const std::string& potential, const std::string& source) {
  return Envelope(id, source, "kinerja.potential.assessed.v1", nip,
                  std::to_string(year) + "-11-10T09:00:00+07:00",
                  R"({"year":)" + std::to_string(year) + R"(,"potential":")" + potential + "\"}");
}

std::string Ev::Activity(const std::string& id, const std::string& nip, const std::string& date,
                         int minutes, const std::string& category, const std::string& agency) {
  return Envelope(id, agency, "kinerja.activity.logged.v1", nip, date + "T10:00:00+07:00",
                  R"({"date":")" + date + R"(","minutes":)" + std::to_string(minutes) +
                      R"(,"category":")" + category + "\"}");
}

std::string Ev::Training(const std::string& id, const std::string& nip, const std::string& course,
                         const std::string& completed_on, int minutes, const std::string& agency) {
  return Envelope(id, agency, "kinerja.training.completed.v1", nip,
                  completed_on + "T16:00:00+07:00",
                  R"({"course":")" + course + R"(","completed_on":")" + completed_on +
                      R"(","minutes":)" + std::to_string(minutes) + R"(,"mode":"nonklasikal"})");
}

std::vector<ReadMessage> ReadTopic(const std::string& brokers, const std::string& topic,
                                   const std::map<std::string, std::string>& properties) {
  std::vector<ReadMessage> out;
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), errstr, sizeof errstr);
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr)) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(errstr);
    }
  }
  rd_kafka_conf_set(conf, "group.id", UniqueTopic("reader").c_str(), errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) throw std::runtime_error(errstr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    throw std::runtime_error("metadata failed");
  }
  const int partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  std::map<int32_t, int64_t> ends;
  for (int p = 0; p < partitions; ++p) {
    int64_t lo = 0, hi = 0;
    rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, 10000);
    if (hi > lo) ends[p] = hi;
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  std::map<int32_t, int64_t> next;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto done = [&] {
    for (const auto& [p, end] : ends) {
      if (next[p] < end) return false;
    }
    return true;
  };
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (!m) continue;
    if (!m->err) {
      ReadMessage r;
      r.partition = m->partition;
      r.offset = m->offset;
      if (m->key) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) r.value = std::string(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* val;
        size_t size;
        for (size_t i = 0;
             rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          r.headers[name] = std::string(static_cast<const char*>(val), size);
        }
      }
      next[m->partition] = m->offset + 1;
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return out;
}

}  // namespace kinerja::testing
