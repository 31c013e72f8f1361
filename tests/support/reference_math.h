// SPDX-License-Identifier: GPL-3.0-or-later
// Double-precision pieces the reference forward passes share, and how tests compare logits.
#pragma once

#include <cmath>
#include <span>
#include <vector>

namespace deepdesk::testing {

// y = x / sqrt(mean(x^2) + 1e-6) * w.
inline std::vector<double> ref_rms_norm(const std::vector<double>& x, const std::vector<double>& w) {
    double ss = 0;
    for (double v : x) {
        ss += v * v;
    }
    const double inv = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + 1e-6);
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        y[i] = x[i] * inv * w[i];
    }
    return y;
}

// a += b.
inline void ref_add(std::vector<double>& a, const std::vector<double>& b) {
    for (std::size_t i = 0; i < a.size(); ++i) {
        a[i] += b[i];
    }
}

// Cosine similarity of the engine's logits with the reference's.
inline double cosine(std::span<const float> a, const std::vector<double>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        ab += a[i] * b[i];
        aa += static_cast<double>(a[i]) * a[i];
        bb += b[i] * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

}  // namespace deepdesk::testing
