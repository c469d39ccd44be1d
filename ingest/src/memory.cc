#include "ingest/memory.h"

namespace kinerja::ingest {

MemorySource::MemorySource(int32_t partitions) : log_(static_cast<size_t>(partitions)) {}

int64_t MemorySource::Append(int32_t partition, Record record) {
  auto& log = log_.at(static_cast<size_t>(partition));
  log.push_back(std::move(record));
  return static_cast<int64_t>(log.size()) - 1;
}

Status MemorySource::Assign(const std::vector<int32_t>& partitions) {
  if (!listener_) return Status::Internal("no listener");
  auto offsets = listener_->OnAssigned(partitions);
  if (!offsets.ok()) return offsets.status();
  for (size_t i = 0; i < partitions.size(); ++i) {
    position_[partitions[i]] = offsets.value()[i].value_or(0);
    fetched_.erase(partitions[i]);
  }
  return Status::OK();
}

Status MemorySource::Revoke(const std::vector<int32_t>& partitions) {
  if (!listener_) return Status::Internal("no listener");
  KINERJA_RETURN_IF_ERROR(listener_->OnRevoked(partitions));
  for (int32_t p : partitions) {
    position_.erase(p);
    fetched_.erase(p);
  }
  return Status::OK();
}

Status MemorySource::Poll(std::vector<Message>* out, size_t max, std::chrono::milliseconds) {
  if (!started_) {
    started_ = true;
    std::vector<int32_t> all;
    all.reserve(static_cast<size_t>(partitions()));
    for (int32_t p = 0; p < partitions(); ++p) all.push_back(p);
    KINERJA_RETURN_IF_ERROR(Assign(all));
  }
  headers_.clear();
  std::vector<size_t> header_begin;  // per message appended: where its headers start
  const size_t first = out->size();
  // Every owned partition is fetched: its high watermark is known from now on.
  for (const auto& [p, position] : position_) fetched_.insert(p);
  // Round-robin, one message per partition per turn, so partitions interleave as they do in
  // a real fetch.
  size_t idle_turns = 0;
  while (out->size() < max && !position_.empty() && idle_turns < log_.size()) {
    const int32_t p = next_partition_;
    next_partition_ = (next_partition_ + 1) % partitions();
    auto it = position_.find(p);
    const auto& log = log_[static_cast<size_t>(p)];
    if (it == position_.end() || it->second >= static_cast<int64_t>(log.size())) {
      ++idle_turns;
      continue;
    }
    idle_turns = 0;
    const Record& r = log[static_cast<size_t>(it->second)];
    Message m;
    m.partition = p;
    m.offset = it->second++;
    m.timestamp_ms = r.timestamp_ms;
    if (r.key) m.key = std::string_view(*r.key);
    if (r.value) m.value = std::string_view(*r.value);
    // Header views are set below, once headers_ no longer moves.
    header_begin.push_back(headers_.size());
    for (const Header& h : r.headers) {
      headers_.push_back(
          {h.name, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
    }
    out->push_back(m);
  }
  for (size_t i = 0; i < header_begin.size(); ++i) {
    const size_t end = i + 1 < header_begin.size() ? header_begin[i + 1] : headers_.size();
    (*out)[first + i].headers =
        std::span<const MessageHeader>(headers_.data() + header_begin[i], end - header_begin[i]);
  }
  return Status::OK();
}

void MemorySource::ReportProgress(const std::vector<PartitionOffset>& offsets) {
  for (const auto& po : offsets) reported_[po.partition] = po.offset;
}

std::optional<int64_t> MemorySource::HighWatermark(int32_t partition) {
  if (!fetched_.count(partition)) return std::nullopt;
  return static_cast<int64_t>(log_.at(static_cast<size_t>(partition)).size());
}

Result<std::vector<int64_t>> MemorySource::QueryEndOffsets(std::chrono::milliseconds) {
  std::vector<int64_t> ends;
  for (const auto& log : log_) ends.push_back(static_cast<int64_t>(log.size()));
  return ends;
}

Status MemorySource::Close() {
  std::vector<int32_t> owned;
  for (const auto& [p, _] : position_) owned.push_back(p);
  if (owned.empty() || !listener_) return Status::OK();
  return Revoke(owned);
}

Status MemoryDeadLetters::Send(const Message& message, std::string_view reason,
                               std::string_view detail) {
  Entry e;
  e.source = message;
  if (message.key) e.key = std::string(*message.key);
  if (message.value) e.value = std::string(*message.value);
  for (const MessageHeader& h : message.headers) {
    e.headers.push_back(
        {std::string(h.name), h.value ? std::optional<std::string>(*h.value) : std::nullopt});
  }
  e.reason = std::string(reason);
  e.detail = std::string(detail);
  entries_.push_back(std::move(e));
  return Status::OK();
}

}  // namespace kinerja::ingest
