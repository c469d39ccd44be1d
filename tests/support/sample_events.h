// One valid event of each type, written by hand from docs/events.md (independent of docs/events.md
// and of the code under test). Tests derive invalid variants by replacing parts of them.
#pragma once

#include <string>

namespace kinerja::testing::samples {

// An envelope (id "e-1", source A1, subject 198609262015051001, WITA time) around `data`.
inline std::string Wrap(const std::string& type, const std::string& data) {
  return R"({"specversion":"1.0","id":"e-1","source":"/agencies/A1","type":"kinerja.)" + type +
         R"(","subject":"198609262015051001","time":"2026-04-02T09:30:00+08:00","data":)" + data +
         "}";
}
inline const std::string kUpsert =
    Wrap("employee.upserted.v1",
         R"({"agency":"A1","unit":"Biro Umum","tz":"Asia/Makassar","position":"pengawas",)"
         R"("employment":"pppk","supervisor":"197001012000011001","status":"active"})");
inline const std::string kSkp =
    Wrap("skp.approved.v1",
         R"({"year":2026,"indicators":[{"id":"IKI-1","kind":"utama","target":12,)"
         R"("unit":"dokumen"},{"id":"IKI-2","kind":"tambahan","target":0.5,"unit":"persen"}]})");
inline const std::string kRealisasi =
    Wrap("realisasi.reported.v1", R"({"period":"2026-03","indicator":"IKI-1","value":2.5})");
inline const std::string kEvidence = Wrap(
    "evidence.submitted.v1", R"({"period":"2026-03","indicator":"IKI-1","evidence":"EV-0001"})");
inline const std::string kFeedback =
    Wrap("feedback.given.v1",
         R"({"giver":"197001012000011001","value":"kolaboratif","note":"Terima kasih"})");
inline const std::string kRating = Wrap(
    "rating.assigned.v1",
    R"({"period":"2026-03","hasil":"di_atas","perilaku":"sesuai","rater":"197001012000011001"})");
inline const std::string kPotential =
    Wrap("potential.assessed.v1", R"({"year":2026,"potential":"tinggi"})");
inline const std::string kTraining =
    Wrap("training.completed.v1",
         R"({"course":"LATSAR","completed_on":"2026-05-02","minutes":450,"mode":"klasikal"})");
inline const std::string kActivity =
    Wrap("activity.logged.v1", R"({"date":"2026-03-10","minutes":90,"category":"administrative"})");

}  // namespace kinerja::testing::samples
