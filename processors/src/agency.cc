#include "processors/agency.h"

#include <mutex>
#include <unordered_set>

namespace kinerja::processors {
namespace {

struct Pool {
  std::mutex mu;
  std::unordered_set<std::string> codes;  // nodes: stable addresses
};

Pool& ThePool() {
  static Pool* pool = new Pool();  // never destroyed: codes outlive every static table
  return *pool;
}

const std::string* Intern(std::string_view code) {
  Pool& pool = ThePool();
  std::lock_guard lock(pool.mu);
  return &*pool.codes.emplace(code).first;
}

}  // namespace

AgencyCode::AgencyCode() : AgencyCode(std::string_view()) {}

AgencyCode::AgencyCode(std::string_view code) : code_(Intern(code)) {}

}  // namespace kinerja::processors
