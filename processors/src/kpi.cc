#include "processors/kpi.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace kinerja::processors {

JpBand BandOf(int64_t minutes) {
  if (minutes <= 0) return JpBand::kNone;
  if (minutes < 450) return JpBand::kLt10;
  if (minutes < 900) return JpBand::k10To20;
  return JpBand::kGe20;
}

std::string_view JpBandLabel(JpBand b) {
  switch (b) {
    case JpBand::kNone:
      return "0";
    case JpBand::kLt10:
      return "lt10";
    case JpBand::k10To20:
      return "10to20";
    case JpBand::kGe20:
      return "ge20";
  }
  return "0";
}

std::vector<AchievementLimb> AchievementLimbs(double achievement) {
  std::vector<AchievementLimb> out;
  const double a = std::clamp(achievement, 0.0, 1.0);  // also maps NaN-free input only
  if (a == 0) return out;
  if (a == 1) {
    out.push_back({0, 1});
    return out;
  }
  // a = m * 2^-s exactly, with m an integer below 2^53 and s >= 53 (a < 1).
  int e = 0;
  const double f = std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1)
  const auto m = static_cast<uint64_t>(std::ldexp(f, 53));
  const int s = 53 - e;
  // Limb k (k >= 1) is floor(a * 2^(32k)) mod 2^32 = floor(m * 2^(32k - s)) mod 2^32. The bits
  // of m have weights 2^-(s-52) .. 2^-s, so only limbs ceil((s-52)/32) .. ceil(s/32) can be set.
  const int first = std::max(1, (s - 52 + 31) / 32);
  const int last = (s + 31) / 32;
  for (int k = first; k <= last; ++k) {
    const int t = 32 * k - s;
    uint64_t bits = 0;
    if (t >= 32) {
      bits = 0;
    } else if (t >= 0) {
      bits = (m << t) & 0xFFFFFFFFULL;
    } else if (t > -64) {
      bits = (m >> -t) & 0xFFFFFFFFULL;
    }
    if (bits != 0) out.push_back({static_cast<uint8_t>(k), static_cast<int64_t>(bits)});
  }
  return out;
}

double AchievementFromLimbs(const std::array<int64_t, kAchievementLimbs>& limbs) {
  // Smallest weights first; long double keeps 64 bits, and every limb total is below 2^55.
  long double sum = 0;
  for (int k = kAchievementLimbs - 1; k >= 0; --k) {
    if (limbs[static_cast<size_t>(k)] != 0) {
      sum += std::ldexp(static_cast<long double>(limbs[static_cast<size_t>(k)]), -32 * k);
    }
  }
  return static_cast<double>(sum);
}

Predikat PredikatOf(Expectation hasil, Expectation perilaku) {
  using E = Expectation;
  using P = Predikat;
  // Rows: hasil di_atas, sesuai, di_bawah; columns: perilaku di_atas, sesuai, di_bawah.
  static constexpr P kMatrix[3][3] = {
      {P::kSangatBaik, P::kBaik, P::kKurang},
      {P::kBaik, P::kBaik, P::kKurang},
      {P::kButuhPerbaikan, P::kButuhPerbaikan, P::kSangatKurang},
  };
  static_assert(static_cast<int>(E::kDiAtas) == 0 && static_cast<int>(E::kDiBawah) == 2);
  return kMatrix[static_cast<int>(hasil)][static_cast<int>(perilaku)];
}

std::string_view PredikatLabel(Predikat p) {
  static constexpr std::string_view kLabels[] = {"sangat_baik", "baik", "butuh_perbaikan", "kurang",
                                                 "sangat_kurang"};
  return kLabels[static_cast<size_t>(p)];
}

int TalentBox(Potential potential, Expectation hasil) {
  // Rows: potential rendah, menengah, tinggi; columns: hasil di_bawah, sesuai, di_atas.
  static constexpr int kBoxes[3][3] = {{1, 2, 4}, {3, 5, 7}, {6, 8, 9}};
  int column = 0;
  switch (hasil) {
    case Expectation::kDiBawah:
      column = 0;
      break;
    case Expectation::kSesuai:
      column = 1;
      break;
    case Expectation::kDiAtas:
      column = 2;
      break;
  }
  return kBoxes[static_cast<int>(potential)][column];
}

size_t KpiKeyHash::operator()(const KpiKey& k) const noexcept {
  size_t h = k.agency.hash();
  const uint64_t packed = (static_cast<uint64_t>(k.kpi) << 40) |
                          (static_cast<uint64_t>(k.sub) << 32) | static_cast<uint32_t>(k.period);
  return h ^ (packed * 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2));
}

void KpiTable::Add(const KpiKey& key, int64_t delta) {
  if (delta == 0) return;
  auto [it, inserted] = counters_.try_emplace(key, delta);
  if (!inserted) {
    it->second += delta;
    if (it->second == 0 && !keep_zeros_) counters_.erase(it);
  }
}

void KpiTable::AddAll(const KpiTable& other, int sign) {
  for (const auto& [k, v] : other) Add(k, sign * v);
}

int64_t KpiTable::Get(const KpiKey& key) const {
  auto it = counters_.find(key);
  return it == counters_.end() ? 0 : it->second;
}

}  // namespace kinerja::processors
