// SPDX-License-Identifier: GPL-3.0-or-later
// A plain C++ model of the AMX tile instructions that engine/kernels/gemm_amx.inc uses, so that
// the AMX kernels' arithmetic is tested on machines without AMX. Tiles are per thread, as they
// are per core on the hardware; the configuration gives each tile its rows and bytes per row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace deepdesk::amx_emulation {

struct tile_state {
    bool configured = false;
    std::uint16_t colsb[8] = {};
    std::uint8_t rows[8] = {};
    std::uint8_t data[8][16][64] = {};
};

inline tile_state& tiles() {
    thread_local tile_state s;
    return s;
}

inline void check(int t) {
    if (!tiles().configured || t < 0 || t > 7) {
        throw std::logic_error("AMX emulation: tile used without a configuration");
    }
}

inline void _tile_loadconfig(const void* cfg) {
    const auto* b = static_cast<const std::uint8_t*>(cfg);
    if (b[0] != 1) {
        throw std::logic_error("AMX emulation: palette must be 1");
    }
    tile_state& s = tiles();
    for (int t = 0; t < 8; ++t) {
        std::memcpy(&s.colsb[t], b + 16 + 2 * t, 2);
        s.rows[t] = b[48 + t];
        if (s.colsb[t] > 64 || s.rows[t] > 16 || s.colsb[t] % 4 != 0) {
            throw std::logic_error("AMX emulation: a tile larger than 16 x 64 bytes");
        }
    }
    s.configured = true;
}

inline void _tile_release() { tiles().configured = false; }

inline void _tile_zero(int t) {
    check(t);
    std::memset(tiles().data[t], 0, sizeof(tiles().data[t]));
}

inline void _tile_loadd(int t, const void* base, std::size_t stride) {
    check(t);
    tile_state& s = tiles();
    for (int r = 0; r < s.rows[t]; ++r) {
        std::memcpy(s.data[t][r], static_cast<const std::uint8_t*>(base) + stride * static_cast<std::size_t>(r),
                    s.colsb[t]);
    }
}

inline void _tile_stored(int t, void* base, std::size_t stride) {
    check(t);
    tile_state& s = tiles();
    for (int r = 0; r < s.rows[t]; ++r) {
        std::memcpy(static_cast<std::uint8_t*>(base) + stride * static_cast<std::size_t>(r), s.data[t][r], s.colsb[t]);
    }
}

// C[m][n] += sum over k < colsb(A) / 4 and j < 4 of A[m][4k + j] * B[k][4n + j], with A's and B's
// bytes signed or not as the instruction says; i32 sums wrap as the hardware's do.
template <bool SignedA, bool SignedB>
void dot_product(int c, int a, int b) {
    check(c);
    check(a);
    check(b);
    tile_state& s = tiles();
    const int m_rows = s.rows[a], k_groups = s.colsb[a] / 4, n_cols = s.colsb[b] / 4;
    if (s.rows[c] != m_rows || s.colsb[c] != 4 * n_cols || s.rows[b] != k_groups) {
        throw std::logic_error("AMX emulation: tile shapes do not fit together");
    }
    for (int m = 0; m < m_rows; ++m) {
        for (int n = 0; n < n_cols; ++n) {
            std::int32_t acc = 0;
            std::memcpy(&acc, &s.data[c][m][4 * n], 4);
            std::int64_t sum = acc;
            for (int k = 0; k < k_groups; ++k) {
                for (int j = 0; j < 4; ++j) {
                    const std::uint8_t x = s.data[a][m][4 * k + j], y = s.data[b][k][4 * n + j];
                    const int xa = SignedA ? static_cast<std::int8_t>(x) : x;
                    const int yb = SignedB ? static_cast<std::int8_t>(y) : y;
                    sum += xa * yb;
                }
            }
            acc = static_cast<std::int32_t>(static_cast<std::uint32_t>(sum));
            std::memcpy(&s.data[c][m][4 * n], &acc, 4);
        }
    }
}

inline void _tile_dpbssd(int c, int a, int b) { dot_product<true, true>(c, a, b); }
inline void _tile_dpbsud(int c, int a, int b) { dot_product<true, false>(c, a, b); }
inline void _tile_dpbusd(int c, int a, int b) { dot_product<false, true>(c, a, b); }

}  // namespace deepdesk::amx_emulation
