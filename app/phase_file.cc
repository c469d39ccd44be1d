#include "phase_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace kinerja::app {

Result<std::unique_ptr<PhaseFile>> PhaseFile::FromEnvironment() {
  const char* path = std::getenv("KINERJA_TEST_PHASE_FILE");
  if (path == nullptr || *path == '\0') return std::unique_ptr<PhaseFile>();
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IOError(std::string("KINERJA_TEST_PHASE_FILE ") + path + ": " +
                           std::strerror(errno));
  }
  std::unique_ptr<PhaseFile> file(new PhaseFile(fd));
  file->Enter(pipeline::Phase::kStarting, 0);
  return file;
}

PhaseFile::~PhaseFile() { ::close(fd_); }

void PhaseFile::Enter(pipeline::Phase phase, uint64_t committed_messages) {
  char record[kRecordBytes];
  std::memset(record, ' ', sizeof record);
  const std::string_view name = pipeline::PhaseName(phase);
  const int n =
      std::snprintf(record, sizeof record, "%.*s %llu %llu", static_cast<int>(name.size()),
                    name.data(), static_cast<unsigned long long>(++changes_),
                    static_cast<unsigned long long>(committed_messages));
  if (n > 0 && static_cast<size_t>(n) < sizeof record) record[n] = ' ';  // no NUL in the file
  record[sizeof record - 1] = '\n';
  // Best effort: a test hook must not stop the pipeline.
  (void)!::pwrite(fd_, record, sizeof record, 0);
}

}  // namespace kinerja::app
