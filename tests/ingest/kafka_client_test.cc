// The librdkafka wrappers without a broker: refused configurations release the client, and
// client errors (an unreachable broker, failed deliveries) are counted and logged with a level,
// a rate limit and no event content. Leaks are LeakSanitizer's to find in the sanitizer build.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/kafka.h"
#include "log/log.h"
#include "recorders.h"

using namespace kinerja;
using namespace kinerja::testing;
using namespace std::chrono_literals;

namespace {

// A TCP port on 127.0.0.1 that refuses connections: bound, then closed.
std::string ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

}  // namespace

TEST_CASE("a consumer whose subscription is refused reports why and releases the client") {
  ingest::KafkaSourceOptions options;
  options.brokers = ClosedPort();
  options.topic = "^[";  // librdkafka refuses the (invalid) pattern at subscribe
  auto source = ingest::KafkaSource::Create(options);
  REQUIRE_FALSE(source.ok());
  CHECK(source.status().code() == Status::Code::kInvalidArgument);
  CHECK(source.status().message().find("cannot subscribe") != std::string::npos);

  options.topic = "kinerja.events.v1";
  options.extra = {{"group.id", ""}};  // an override may not empty the group
  source = ingest::KafkaSource::Create(options);
  REQUIRE_FALSE(source.ok());
  CHECK(source.status().code() == Status::Code::kInvalidArgument);
  CHECK(source.status().message() == "group.id: must not be empty");
}

TEST_CASE("a bad Kafka property is refused naming the property") {
  ingest::KafkaSourceOptions options;
  options.brokers = ClosedPort();
  options.extra = {{"no.such.property", "1"}};
  auto source = ingest::KafkaSource::Create(options);
  REQUIRE_FALSE(source.ok());
  CHECK(source.status().code() == Status::Code::kInvalidArgument);
  CHECK(source.status().message().find("no.such.property") != std::string::npos);

  auto producer = ingest::KafkaProducer::Create(
      {ClosedPort(), "kinerja-test", {{"acks", "sometimes"}}, nullptr});
  REQUIRE_FALSE(producer.ok());
  CHECK(producer.status().message().find("acks") != std::string::npos);
}

TEST_CASE("an unreachable broker is counted and logged at warn through the rate limit") {
  LogCapture logs;
  RecordingErrorListener errors;
  ingest::KafkaSourceOptions options;
  options.brokers = ClosedPort();
  options.topic = "kinerja.test.unreachable";
  options.errors = &errors;
  options.extra = {{"reconnect.backoff.ms", "1"}, {"reconnect.backoff.max.ms", "5"}};
  auto source = ingest::KafkaSource::Create(options);
  REQUIRE(source.ok());
  std::vector<ingest::Message> messages;
  // Polling serves the client's errors; the deadline only bounds a broken build.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  auto all_down = [&] {
    std::lock_guard lock(errors.mu);
    for (const auto& [client, code] : errors.seen) {
      if (code == "_ALL_BROKERS_DOWN") return true;
    }
    return false;
  };
  while (!all_down() && std::chrono::steady_clock::now() < deadline) {
    messages.clear();
    REQUIRE((*source)->Poll(&messages, 100, 50ms).ok());  // transient: not fatal
    CHECK(messages.empty());
  }
  REQUIRE(all_down());
  {
    std::lock_guard lock(errors.mu);
    for (const auto& [client, code] : errors.seen) {
      CHECK(client == "consumer");
      CHECK((code == "_TRANSPORT" || code == "_ALL_BROKERS_DOWN"));
    }
  }
  // Each counted error has its line (within the budget the log tests prove), at warn, naming the
  // client and the error.
  const auto lines = logs.With("component=kafka msg=\"consumer: ");
  CHECK(lines.size() == std::min<size_t>(errors.count(), 10));
  CHECK(logs.With("consumer: _ALL_BROKERS_DOWN").size() >= 1);
  for (const auto& l : lines) CHECK(l.find("level=warn") != std::string::npos);
  // librdkafka's own lines come through the same logger, with a level, not its raw printer.
  for (const auto& l : logs.With("component=librdkafka")) {
    CHECK(l.find("level=") != std::string::npos);
  }
}

TEST_CASE("a failed delivery is counted and logged without the message's key or value") {
  LogCapture logs;
  RecordingErrorListener errors;
  auto producer = ingest::KafkaProducer::Create(
      {ClosedPort(), "kinerja-test", {{"message.timeout.ms", "200"}}, &errors});
  REQUIRE(producer.ok());
  const std::string nip = "198503152010121001";
  const std::string value = R"({"data":{"nama":"Siti Rahmawati"}})";
  REQUIRE((*producer)->Send("kinerja.test.undeliverable", nip, value).ok());
  Status flushed = (*producer)->Flush(30s);
  CHECK_FALSE(flushed.ok());
  CHECK((*producer)->failed() == 1);
  CHECK(logs.With("delivery failed").size() == 1);
  bool counted = false;
  {
    std::lock_guard lock(errors.mu);
    for (const auto& [client, code] : errors.seen) {
      CHECK(client == "producer");
      counted = counted || code == "_MSG_TIMED_OUT";
    }
  }
  CHECK(counted);
  std::lock_guard lock(logs.mu);
  REQUIRE_FALSE(logs.lines.empty());
  for (const auto& l : logs.lines) {
    CHECK(l.find(nip) == std::string::npos);
    CHECK(l.find("Siti") == std::string::npos);
  }
}
