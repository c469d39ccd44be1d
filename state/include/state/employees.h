// The one owner of per-employee state between the store and the processors: an employee is
// read from the store on its first touch (only the parts an event needs), kept in a cache
// bounded in bytes, and turned back into store writes when its batch is committed.
//
// Not thread-safe: the pipeline's thread uses it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "processors/employee.h"
#include "storage/state_store.h"

namespace kinerja::state {

struct EmployeeCacheOptions {
  // Employees kept in memory between batches (the store has them all), bounded in bytes
  // (processors::ApproximateBytes: their state and dedup fingerprints, plus the entry) and in
  // number. Past either, Evict drops the least recently used.
  size_t max_bytes = 240ull << 20;
  size_t max_employees = SIZE_MAX;
  // The dedup window (docs/events.md rule 2): which stored dedup chunks a first touch reads.
  int64_t dedup_window_ms = 7LL * 24 * 3600 * 1000;
};

class EmployeeRepository {
 public:
  // A cached employee. Valid until Evict or DropPartition removes it.
  class Employee;

  EmployeeRepository(EmployeeCacheOptions options, storage::StateStore* store);
  ~EmployeeRepository();
  EmployeeRepository(const EmployeeRepository&) = delete;
  EmployeeRepository& operator=(const EmployeeRepository&) = delete;

  // Starts a batch: what Get touches from now on is the most recently used.
  void BeginBatch();

  // The employee, for an event with Kafka timestamp `timestamp_ms`. On a first touch its core
  // is point-read, then the dedup chunks that can still hold an id inside the window (the core
  // lists them); years are read by LoadYears, as events need them. Marks the employee to be
  // written with the batch.
  Result<Employee*> Get(int32_t partition, Nip nip, int64_t timestamp_ms);
  static processors::EmployeeState& StateOf(Employee& employee);

  // After a dedup fingerprint matched (processors::DedupCheck::kNeedIds): reads the full ids of
  // the stored chunks still inside the window, so the check can be exact.
  Status LoadDedupIds(Employee& employee, int64_t timestamp_ms);
  // Reads the years `need` asks for that are not in memory yet.
  Status LoadYears(Employee& employee, const processors::YearsNeeded& need);
  // The event applied to the employee changed `year` (written with the batch).
  void YearChanged(Employee& employee, int year);

  // Every employee the batch touched, as store writes (its core, the years that changed, its
  // dedup changes) appended to `writes`; the batch's marks are cleared. Until WritesDurable,
  // the store may not hold these writes yet (the pipeline commits them on another thread):
  // Evict keeps these employees, so Get and LoadYears never read an older copy of them from
  // the store. LoadDedupIds reads dedup chunks these writes may hold: call it only when the
  // writes are durable.
  void AppendWrites(storage::WriteSet* writes);
  // The writes appended last are in the store: their employees may be evicted again.
  void WritesDurable() { unsettled_batch_ = 0; }

  // More bytes cached than the budget: commit the batch so that Evict can make room.
  bool OverBudget() const;
  // Between batches (after AppendWrites; with a batch's marks pending it does nothing): keeps
  // the most recently used employees that fit in three quarters of each budget, and those whose
  // writes are not durable yet (WritesDurable), so it runs once per quarter of a budget of new
  // employees (amortised O(log n) per employee).
  void Evict();
  // Forgets the partition's employees (revoked; everything is committed).
  void DropPartition(int32_t partition);

  size_t bytes() const { return bytes_; }
  size_t employees() const { return count_; }

 private:
  struct Partition;
  Status ReadEntities(int32_t partition, Nip nip, const std::vector<std::string>& keys,
                      processors::EmployeeState* state);
  void Recharge(Employee& employee);  // re-measures its bytes into bytes_

  EmployeeCacheOptions options_;
  storage::StateStore* store_;
  std::unordered_map<int32_t, std::unique_ptr<Partition>> partitions_;
  std::vector<Employee*> touched_;  // by this batch, each once
  uint64_t batch_ = 0;              // batch number (recency)
  // The batch whose writes were appended and may not be in the store yet (0: none). Its
  // employees, and any used later, have last_used >= it.
  uint64_t unsettled_batch_ = 0;
  size_t bytes_ = 0;  // the cached employees' bytes, as last measured
  size_t count_ = 0;
};

}  // namespace kinerja::state
