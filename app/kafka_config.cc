#include "kafka_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string_view>

#include "log/log.h"

namespace kinerja::app {
namespace {

// librdkafka properties that hold a secret.
constexpr std::string_view kSecretProperties[] = {
    "sasl.password",
    "ssl.key.password",
    "ssl.keystore.password",
    "ssl.key.pem",
    "sasl.oauthbearer.client.secret",
};

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

Status FileError(const std::string& path, const std::string& what) {
  return Status::InvalidArgument("--kafka-config " + path + ": " + what);
}

// The whole file, read from one descriptor after checking what it is and who may read it.
Result<std::string> ReadPrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(path, std::string("cannot read it: ") + std::strerror(errno));
  struct stat st {};
  std::string text;
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = FileError(path, std::string("cannot read it: ") + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = FileError(path, "not a regular file");
  } else if ((st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    status = FileError(path, std::string("group or others may read or write it (mode ") + mode +
                                 ") and it may hold secrets: chmod 600 " + path);
  } else {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    if (n < 0) status = FileError(path, std::string("cannot read it: ") + std::strerror(errno));
  }
  ::close(fd);
  if (!status.ok()) return status;
  return text;
}

}  // namespace

Result<ingest::KafkaProperties> ReadKafkaConfig(const std::string& path) {
  auto text = ReadPrivateFile(path);
  if (!text.ok()) return text.status();
  ingest::KafkaProperties props;
  std::map<std::string, size_t> set_on;  // property -> line
  std::string_view rest = *text;
  for (size_t number = 1; !rest.empty(); ++number) {
    const size_t end = rest.find('\n');
    const std::string_view line = Trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const size_t eq = line.find('=');
    const std::string name(Trim(line.substr(0, eq == std::string_view::npos ? 0 : eq)));
    if (eq == std::string_view::npos || name.empty() ||
        name.find_first_of(" \t") != std::string::npos) {
      return Status::InvalidArgument("--kafka-config " + where + "expected NAME=VALUE");
    }
    if (auto [it, fresh] = set_on.emplace(name, number); !fresh) {
      std::string message = "--kafka-config " + where;
      message.append(name).append(" is already set on line ").append(std::to_string(it->second));
      return Status::InvalidArgument(message);
    }
    props[name] = std::string(Trim(line.substr(eq + 1)));
  }
  return props;
}

Result<ingest::KafkaProperties> ParseKafkaProperties(const std::vector<std::string>& flags) {
  ingest::KafkaProperties props;
  for (const auto& p : flags) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--kafka-property: expected NAME=VALUE, got '" + p + "'");
    }
    props[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return props;
}

Result<ingest::KafkaProperties> ResolveKafkaProperties(const std::string& config_file,
                                                       const std::vector<std::string>& flags,
                                                       const Getenv& getenv) {
  ingest::KafkaProperties props;
  if (!config_file.empty()) {
    auto file = ReadKafkaConfig(config_file);
    if (!file.ok()) return file.status();
    props = std::move(*file);
  }
  for (const auto& [variable, property] : kKafkaEnv) {
    const char* value = getenv(variable);
    if (value && *value) props[property] = value;
  }
  auto overrides = ParseKafkaProperties(flags);
  if (!overrides.ok()) return overrides.status();
  for (auto& [name, value] : *overrides) {
    for (std::string_view secret : kSecretProperties) {
      if (name != secret) continue;
      log::Write(log::Level::kWarn, "config",
                 "--kafka-property " + name +
                     ": a secret on the command line is visible to other users of this machine; "
                     "put it in the --kafka-config file or the environment instead");
    }
    props[name] = std::move(value);
  }
  return props;
}

}  // namespace kinerja::app
