// Random mutation: simulated traffic with a quarter of its messages damaged at random
// (truncated, a byte changed, a field's JSON type changed, a field dropped, a field nested
// deeply, the key swapped), through the pipeline with restarts and rebalances, against the
// reference model on the same bytes. Every damaged message the contract refuses lands in the
// dead-letter topic with the reason its damage calls for and changes nothing; the good events
// around it are applied exactly (the KPI series equal the model's).
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ingest/decoder.h"
#include "reference_model.h"
#include "simulator/simulator.h"

using namespace kinerja;
using namespace kinerja::testing::ref;
using kinerja::testing::SeriesMap;
using nlohmann::ordered_json;

namespace {

enum class Damage { kTruncate, kByte, kRetype, kDrop, kNest, kSwapKey };

// What a damaged message must get, worked out from the damage alone (docs/events.md), or
// "decoder" where only reading the bytes can tell (a changed byte may leave a valid event).
struct DamageVerdict {
  std::string outcome;  // "accepted", "rejected" (any reason), a reason code, or "decoder"
  std::string what;     // the damage, for failure messages
};

struct Message {
  std::string key, value;
  DamageVerdict expect;
};

// Optional fields (docs/events.md): dropping them leaves a valid event.
bool Optional(const std::string& type, const std::string& field) {
  return field == "datacontenttype" ||
         (type == "kinerja.feedback.given.v1" && (field == "value" || field == "note"));
}

// A JSON value of another type than `v` (never null: null is "absent" for optional fields).
ordered_json OtherType(const ordered_json& v, std::mt19937& rng) {
  const std::vector<ordered_json> candidates = {ordered_json(7), ordered_json("7"),
                                                ordered_json(true), ordered_json::array({1}),
                                                ordered_json::object({{"k", 1}})};
  for (;;) {
    const auto& c = candidates[std::uniform_int_distribution<size_t>(0, 4)(rng)];
    const bool same = (c.is_number() && v.is_number()) || (c.is_string() && v.is_string()) ||
                      (c.is_boolean() && v.is_boolean()) || (c.is_array() && v.is_array()) ||
                      (c.is_object() && v.is_object());
    if (!same) return c;
  }
}

// A field of the event: ("", name) in the envelope, ("data", name) in data.
std::pair<std::string, std::string> PickField(const ordered_json& ev, std::mt19937& rng) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [k, _] : ev.items()) fields.emplace_back("", k);
  for (const auto& [k, _] : ev["data"].items()) fields.emplace_back("data", k);
  return fields[std::uniform_int_distribution<size_t>(0, fields.size() - 1)(rng)];
}

Message Damaged(const std::string& key, const std::string& value,
                const std::vector<std::string>& nips, std::mt19937& rng) {
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const auto damage = static_cast<Damage>(pick(6));
  Message m{key, value, {}};
  ordered_json ev = ordered_json::parse(value);
  const auto [where, field] = PickField(ev, rng);
  ordered_json& parent = where.empty() ? ev : ev["data"];
  switch (damage) {
    case Damage::kTruncate:
      m.value = value.substr(0, pick(value.size()));
      m.expect = {"malformed_json", "truncated"};
      break;
    case Damage::kByte: {
      const size_t at = pick(value.size());
      m.value[at] = static_cast<char>(pick(256));
      m.expect = {m.value == value ? "accepted" : "decoder", "byte " + std::to_string(at)};
      break;
    }
    case Damage::kRetype:
      parent[field] = OtherType(parent[field], rng);
      m.value = ev.dump();
      m.expect = {"rejected", "retyped " + where + "." + field};
      break;
    case Damage::kDrop:
      parent.erase(field);
      m.value = ev.dump();
      m.expect = {Optional(ev.value("type", ""), field) ? "accepted" : "rejected",
                  "dropped " + where + "." + field};
      break;
    case Damage::kNest: {
      // Spliced as text: 1,100 levels of nlohmann values would be copied level by level.
      const std::string inner = parent[field].dump();
      parent[field] = "\x01nest";
      m.value = ev.dump();
      const std::string nested = std::string(1100, '[') + inner + std::string(1100, ']');
      const std::string placeholder = "\"\\u0001nest\"";  // as dump() writes it
      m.value.replace(m.value.find(placeholder), placeholder.size(), nested);
      m.expect = {"malformed_json", "nested " + where + "." + field};
      break;
    }
    case Damage::kSwapKey: {
      std::string other = key;
      while (other == key) other = nips[pick(nips.size())];
      m.key = other;
      m.expect = {"key_mismatch", "key swapped"};
      break;
    }
  }
  return m;
}

// Checks an accepted event against rules written here, independently of the decoder: a
// changed byte must never let through an event the contract refuses (a date after the
// Kafka timestamp's month, 2026-12 in WIT, moved every monthly series out of the window once).
std::string Implausible(const RefEvent& e) {
  const int newest = 2026 * 12 + 11;
  auto month_of = [](const std::string& d) { return MonthNumber(d.substr(0, 7)); };
  if ((e.type == "realisasi" || e.type == "evidence") && month_of(e.period) > newest)
    return "period " + e.period + " in the future";
  if (e.type == "rating") {
    const bool annual = e.period.size() == 4;
    if (annual ? std::stoi(e.period) > 2026 : month_of(e.period) > newest)
      return "rating period " + e.period + " in the future";
  }
  if ((e.type == "activity" || e.type == "training") && month_of(e.date) > newest)
    return "date " + e.date + " in the future";
  if (e.type == "feedback" && MonthNumber(LocalMonthOf(e.utc_seconds, 540)) > newest)
    return "feedback time in the future";
  if ((e.type == "skp" || e.type == "potential") && (e.year < 2000 || e.year > 2100))
    return "year out of range";
  if (e.type == "activity" && (e.minutes < 1 || e.minutes > 1440)) return "minutes out of range";
  if (e.type == "realisasi" && !(e.value >= 0)) return "negative value";
  return "";
}

struct Traffic {
  Log log;                                         // per partition: (key, value)
  std::vector<std::vector<DamageVerdict>> expect;  // per partition, per offset
  std::vector<RefEvent> accepted;                  // in log order, for the model
  std::map<std::string, int> damages;              // how many of each kind, by outcome
};

Traffic Build(unsigned seed) {
  simulator::SimulatorOptions o;
  o.employees = 50;
  o.agencies = 4;
  o.days = 40;
  o.duplicate_rate = 0.05;
  o.seed = seed;
  std::vector<std::pair<std::string, std::string>> clean;
  std::set<std::string> nip_set;
  simulator::Simulate(o, [&](std::string_view key, std::string_view json) {
    clean.emplace_back(std::string(key), std::string(json));
    nip_set.insert(std::string(key));
    return true;
  });
  const std::vector<std::string> nips(nip_set.begin(), nip_set.end());
  std::mt19937 rng(seed);
  Traffic t;
  t.log.resize(4);
  t.expect.resize(4);
  ingest::Decoder decoder;
  for (const auto& [key, value] : clean) {
    Message m{key, value, {"accepted", "clean"}};
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) m = Damaged(key, value, nips, rng);
    const size_t p = std::hash<std::string>{}(key) % 4;  // by the original key, as Kafka would
    const auto result = decoder.Decode(m.key, m.value, {}, kKafkaMs);
    if (const auto* ev = std::get_if<Event>(&result)) t.accepted.push_back(FromDecoded(*ev));
    t.damages[m.expect.what.substr(0, m.expect.what.find(' ')) + " -> " +
              (std::holds_alternative<Event>(result) ? "accepted" : "rejected")]++;
    t.log[p].emplace_back(m.key, m.value);
    t.expect[p].push_back(m.expect);
  }
  return t;
}

}  // namespace

TEST_CASE("a quarter of simulated traffic damaged at random: the pipeline equals the model") {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    INFO("seed " << seed);
    const Traffic t = Build(seed);
    ingest::Decoder decoder;
    size_t messages = 0, damaged = 0, rejected = 0;
    // Each message's verdict against what its damage calls for.
    for (size_t p = 0; p < t.log.size(); ++p) {
      for (size_t i = 0; i < t.log[p].size(); ++i) {
        const auto& [key, value] = t.log[p][i];
        const DamageVerdict& want = t.expect[p][i];
        const auto result = decoder.Decode(key, value, {}, kKafkaMs + static_cast<int64_t>(i));
        const auto* rej = std::get_if<ingest::Rejection>(&result);
        const std::string got =
            rej ? std::string(ingest::RejectReasonName(rej->reason)) : "accepted";
        INFO(want.what << ": got " << got << (rej ? " (" + rej->detail + ")" : ""));
        ++messages;
        damaged += want.what != "clean";
        rejected += rej != nullptr;
        if (want.outcome == "rejected") {
          CHECK(rej != nullptr);
        } else if (want.outcome != "decoder") {
          CHECK(got == want.outcome);
        }
        if (!rej) {
          const std::string why = Implausible(FromDecoded(std::get<Event>(result)));
          CHECK(why.empty());
        }
      }
    }
    CHECK(damaged * 5 > messages);  // about a quarter
    CHECK(damaged * 3 < messages);

    // The pipeline, with restarts and rebalances, on the same bytes.
    std::mt19937 rng(seed * 7919);
    std::vector<ingest::MemoryDeadLetters::Entry> dead;
    const SeriesMap actual = RunPipeline(t.log, rng, &dead);
    const SeriesMap expected = Reference(t.accepted);
    const std::string diff = testing::DiffSeries(actual, expected);
    INFO(diff);
    CHECK(diff.empty());
    CHECK(expected.size() > 20);
    // Every rejected message is in the dead-letter topic once, with the reason its damage
    // calls for.
    CHECK(dead.size() == rejected);
    std::set<std::pair<int32_t, int64_t>> seen;
    for (const auto& d : dead) {
      CHECK(seen.insert({d.source.partition, d.source.offset}).second);
      const DamageVerdict& want =
          t.expect[static_cast<size_t>(d.source.partition)][static_cast<size_t>(d.source.offset)];
      INFO(want.what << " -> " << d.reason << ": " << d.detail);
      CHECK(want.outcome != "accepted");
      if (want.outcome != "rejected" && want.outcome != "decoder") CHECK(d.reason == want.outcome);
    }
    // Every kind of damage happened, and some changed bytes left a valid event.
    for (const char* kind : {"truncated -> rejected", "retyped -> rejected", "dropped -> rejected",
                             "nested -> rejected", "key -> rejected", "byte -> rejected"}) {
      INFO(kind);
      CHECK(t.damages.count(kind) == 1);
    }
  }
}
