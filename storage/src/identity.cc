#include <string>

#include "storage/state_store.h"

namespace kinerja::storage {

Status CheckIdentity(const StateIdentity& stored, const StateIdentity& current) {
  const std::string built = "the state holds the offsets of topic '" + stored.topic + "' (" +
                            std::to_string(stored.partitions) + " partitions)";
  if (stored.topic != current.topic) {
    return Status::InvalidArgument(
        built + ", not of topic '" + current.topic +
        "': a state belongs to the topic it was built from. Give that topic (--topic), the "
        "state directory of '" +
        current.topic + "', or an empty directory to build one from the topic's start");
  }
  if (current.partitions != 0 && stored.partitions != current.partitions) {
    return Status::InvalidArgument(
        built + ", and the topic now has " + std::to_string(current.partitions) +
        " partitions: Kafka places an event by its key modulo the partition count, so "
        "employees' events would no longer land in the partition that holds their state. "
        "Replay the topic into an empty state directory");
  }
  return Status::OK();
}

}  // namespace kinerja::storage
