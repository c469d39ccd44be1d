#include "ingest/binding.h"

#include <simdjson.h>

namespace kinerja::ingest {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

std::optional<ContentMode> ParseContentMode(std::string_view name) {
  if (name == "structured") return ContentMode::kStructured;
  if (name == "binary") return ContentMode::kBinary;
  return std::nullopt;
}

struct MessageBuilder::Impl {
  ContentMode mode;
  simdjson::dom::parser parser;

  Result<OwnedMessage> Record(const object& record) const;
  OwnedMessage Event(std::string_view line, const object& event) const;
};

namespace {

// A string member as is; anything else as its compact JSON text.
std::string Text(const element& e) {
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(e);
}

bool IsRecord(const object& obj) {
  bool headers = false, value = false;
  for (auto field : obj) {
    if (field.key == "headers") {
      headers = true;
    } else if (field.key == "value") {
      value = true;
    } else if (field.key != "key") {
      return false;
    }
  }
  return headers && value;
}

}  // namespace

Result<OwnedMessage> MessageBuilder::Impl::Record(const object& record) const {
  OwnedMessage m;
  element e;
  if (record.at_key("key").get(e) == simdjson::SUCCESS && !e.is_null()) {
    std::string_view key;
    if (e.get_string().get(key) != simdjson::SUCCESS) {
      return Status::InvalidArgument("message record: key must be a string or null");
    }
    m.key = std::string(key);
  }
  simdjson::dom::array headers;
  if (record.at_key("headers").get(headers) != simdjson::SUCCESS) {
    return Status::InvalidArgument("message record: headers must be [[name, value], ...]");
  }
  for (element pair : headers) {
    simdjson::dom::array nv;
    std::string_view name, value;
    if (pair.get_array().get(nv) != simdjson::SUCCESS || nv.size() != 2 ||
        nv.at(0).get_string().get(name) != simdjson::SUCCESS ||
        (!nv.at(1).is_null() && nv.at(1).get_string().get(value) != simdjson::SUCCESS)) {
      return Status::InvalidArgument(
          "message record: each header must be [name, value], a value a string or null");
    }
    m.headers.push_back(
        {std::string(name), nv.at(1).is_null() ? std::nullopt : std::optional<std::string>(value)});
  }
  if (record.at_key("value").get(e) == simdjson::SUCCESS && !e.is_null()) m.value = Text(e);
  return m;
}

OwnedMessage MessageBuilder::Impl::Event(std::string_view line, const object& event) const {
  OwnedMessage m;
  // The key: the CloudEvents partitioning extension when the event has one (as both SDKs'
  // partitioners do), else the subject.
  std::string_view key;
  if (event.at_key("partitionkey").get_string().get(key) == simdjson::SUCCESS ||
      event.at_key("subject").get_string().get(key) == simdjson::SUCCESS) {
    m.key = std::string(key);
  }
  if (mode == ContentMode::kStructured) {
    m.value = std::string(line);
    m.headers.push_back({"content-type", "application/cloudevents+json"});
    return m;
  }
  for (auto field : event) {
    if (field.value.is_null()) continue;  // an absent optional attribute
    if (field.key == "data") {
      m.value = simdjson::minify(field.value);
    } else if (field.key == "partitionkey") {
      continue;  // it is the key already
    } else if (field.key == "datacontenttype") {
      m.headers.push_back({"content-type", Text(field.value)});
    } else {
      m.headers.push_back({"ce_" + std::string(field.key), Text(field.value)});
    }
  }
  return m;
}

MessageBuilder::MessageBuilder(ContentMode mode) : impl_(std::make_unique<Impl>()) {
  impl_->mode = mode;
}
MessageBuilder::~MessageBuilder() = default;

Result<OwnedMessage> MessageBuilder::Build(std::string_view line) {
  element root;
  object obj;
  if (impl_->parser.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS ||
      root.get_object().get(obj) != simdjson::SUCCESS) {
    OwnedMessage m;
    m.value = std::string(line);
    return m;
  }
  return IsRecord(obj) ? impl_->Record(obj) : impl_->Event(line, obj);
}

std::vector<MessageHeader> HeaderViews(const OwnedMessage& message) {
  std::vector<MessageHeader> views;
  views.reserve(message.headers.size());
  for (const Header& h : message.headers) {
    views.push_back({h.name, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
  }
  return views;
}

}  // namespace kinerja::ingest
