// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/ops.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numbers>

#include "engine/kernels/convert.h"
#include "engine/kernels/dequant.h"
#include "engine/kernels/float_dot.h"
#include "engine/kernels/gemm_amx.h"
#include "engine/kernels/quant_dot.h"
#include "engine/kernels/vec.h"

namespace deepdesk::ops {

void rms_norm(const float* x, const float* w, float* y, std::int64_t n, float eps) {
    // Squares in float, summed in double, as the reference runtime does (bit for bit).
    double sum = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
        sum += static_cast<double>(x[i] * x[i]);
    }
    const float scale = 1.0f / std::sqrt(static_cast<float>(sum / static_cast<double>(n)) + eps);
    for (std::int64_t i = 0; i < n; ++i) {
        y[i] = x[i] * scale * w[i];
    }
}

void dequantize_row(const weight_view& w, std::int64_t r, float* dst) {
    if (w.type == tensor_type::f16) {
        kernels::convert_kernels().f16_to_f32(reinterpret_cast<const std::uint16_t*>(w.row(r)), dst,
                                              static_cast<std::size_t>(w.cols));
        return;
    }
    kernels::dequantize_row_ref(w.type, w.row(r), dst, static_cast<std::size_t>(w.cols));
}

void matmul_input::set(const float* x, std::int64_t n_tokens, std::int64_t cols) {
    m_x = x;
    m_n_tokens = n_tokens;
    m_cols = cols;
    m_valid = false;
    m_packed_valid = false;
}

namespace {

// p rounded up to a multiple of 64 bytes.
std::uint8_t* align_64(std::uint8_t* p) { return p + (64 - reinterpret_cast<std::uintptr_t>(p) % 64) % 64; }
std::size_t round_up_64(std::size_t n) { return (n + 63) / 64 * 64; }

// Tokens [begin, end) of x (a row of `cols` every x_stride floats) quantized for `weight`, one
// activation row of `row_bytes` each into dst.
void quantize_tokens(tensor_type weight, const float* x, std::int64_t x_stride, std::int64_t cols, std::int64_t begin,
                     std::int64_t end, std::uint8_t* dst, std::size_t row_bytes) {
    for (std::int64_t t = begin; t < end; ++t) {
        kernels::quantize_activation(weight, x + t * x_stride, dst + static_cast<std::size_t>(t) * row_bytes,
                                     static_cast<std::size_t>(cols));
    }
}

}  // namespace

const std::uint8_t* matmul_input::quantized_for(tensor_type weight, thread_pool& pool) {
    const tensor_type act = kernels::activation_type(weight);
    if (!m_valid || act != m_type) {
        const std::size_t row = kernels::activation_row_bytes(weight, static_cast<std::size_t>(m_cols));
        pool.parallel_for(m_n_tokens, [&](int, std::int64_t begin, std::int64_t end) {
            quantize_tokens(weight, m_x, m_cols, m_cols, begin, end, m_buffer, row);
        });
        m_type = act;
        m_valid = true;
    }
    return m_buffer;
}

const std::uint8_t* matmul_input::packed_for_gemm16(tensor_type weight, thread_pool& pool) {
    const tensor_type act = kernels::activation_type(weight);
    if (!m_packed_valid || act != m_packed_type) {
        const std::uint8_t* q = quantized_for(weight, pool);
        const auto cols = static_cast<std::size_t>(m_cols);
        const std::size_t row = kernels::activation_row_bytes(weight, cols);
        m_packed.resize(kernels::amx_packed_bytes(weight, cols, m_n_tokens) + 63);
        std::uint8_t* packed = align_64(m_packed.data());
        const kernels::amx_kernel* k = kernels::gemm16_for(weight);
        pool.parallel_for(m_n_tokens / 16, [&](int, std::int64_t begin, std::int64_t end) {
            kernels::gemm16_pack(*k, q, row, cols, begin, end, packed);
        });
        m_packed_type = act;
        m_packed_valid = true;
    }
    return align_64(m_packed.data());
}

namespace {
std::atomic<std::uint64_t> g_weight_bytes{0};
}  // namespace

std::uint64_t weight_bytes_read() { return g_weight_bytes.load(std::memory_order_relaxed); }

void count_weight_bytes(std::uint64_t bytes) { g_weight_bytes.fetch_add(bytes, std::memory_order_relaxed); }

namespace {

// Rows [r_begin, r_end) of w against n_tokens activation rows (act_bytes apart), into
// y[t * y_stride + r]. Prompt batches go a block of tokens at a time, so that the rows' weights
// and the block's activations both stay in the core's L2 cache instead of streaming every
// activation from memory once per weight row. The widest kernel the type has does each part:
// four rows by four tokens, then one row by four tokens, four rows by one token, one by one.
// `packed`: the same activations packed for w's sixteen-row kernel (kernels::gemm16_for), or
// nullptr.
// `batch`: the tokens are a prompt batch of two or more, which F32/F16/BF16 rows sum in the
// reference runtime's GEMM order (kernels/float_dot.h).
void rows_against_tokens(const weight_view& w, std::int64_t r_begin, std::int64_t r_end, const std::uint8_t* act,
                         std::size_t act_bytes, std::int64_t n_tokens, float* y, std::int64_t y_stride,
                         const std::uint8_t* packed = nullptr, bool batch = false) {
    constexpr std::int64_t token_block = 32;
    const kernels::float_dot_pair float_dot = kernels::float_dots(w.type);
    const kernels::dot_fn dot = float_dot.one == nullptr ? kernels::dot_kernel(w.type)
                                : batch                  ? float_dot.batch
                                                         : float_dot.one;
    const kernels::dot4_fn dot4 = n_tokens >= 4 ? kernels::dot4_kernel(w.type) : nullptr;
    const kernels::tile4x4_fn tile = n_tokens >= 4 ? kernels::tile4x4_kernel(w.type) : nullptr;
    const kernels::rows4_fn rows4 = n_tokens < 4 ? kernels::rows4_kernel(w.type) : nullptr;
    const auto cols = static_cast<std::size_t>(w.cols);
    const auto token_row = [&](std::int64_t t) { return act + static_cast<std::size_t>(t) * act_bytes; };
    // Sixteen rows by groups of sixteen tokens on AMX or AVX-512 VNNI where the CPU has them;
    // what is left over (a last part of fewer than sixteen rows or tokens) goes on below.
    std::int64_t t_begin = 0;
    if (const kernels::amx_kernel* k16 = packed != nullptr && n_tokens >= 16 ? kernels::gemm16_for(w.type) : nullptr) {
        const std::int64_t full_tokens = n_tokens / 16 * 16;
        std::int64_t r = r_begin;
        for (; r + 16 <= r_end; r += 16) {
            kernels::gemm16_run(*k16, {w.type, w.row(r), w.row_bytes, cols, packed, full_tokens, y + r, y_stride});
        }
        if (r == r_end) {
            t_begin = full_tokens;  // only the last tokens are left, for every row
        } else {
            // The tiles' rows against the last tokens here; the rows after them against every
            // token below.
            rows_against_tokens(w, r_begin, r, act + static_cast<std::size_t>(full_tokens) * act_bytes, act_bytes,
                                n_tokens - full_tokens, y + full_tokens * y_stride, y_stride);
            r_begin = r;
        }
    }
    for (std::int64_t tb = t_begin; tb < n_tokens; tb += token_block) {
        const std::int64_t t_end = std::min(n_tokens, tb + token_block);
        std::int64_t r = r_begin;
        if (tile != nullptr) {
            float out[16];
            for (; r + 4 <= r_end; r += 4) {
                std::int64_t t = tb;
                for (; t + 4 <= t_end; t += 4) {
                    tile(w.row(r), w.row_bytes, token_row(t), act_bytes, cols, out);
                    for (int i = 0; i < 4; ++i) {
                        for (int k = 0; k < 4; ++k) {
                            y[(t + k) * y_stride + r + i] = out[i * 4 + k];
                        }
                    }
                }
                for (; t < t_end; ++t) {
                    for (int i = 0; i < 4; ++i) {
                        y[t * y_stride + r + i] = dot(w.row(r + i), token_row(t), cols);
                    }
                }
            }
        }
        if (rows4 != nullptr) {
            for (; r + 4 <= r_end; r += 4) {
                for (std::int64_t t = tb; t < t_end; ++t) {
                    rows4(w.row(r), w.row_bytes, token_row(t), cols, y + t * y_stride + r);
                }
            }
        }
        for (; r < r_end; ++r) {
            const std::uint8_t* row = w.row(r);
            std::int64_t t = tb;
            if (dot4 != nullptr) {
                float out[4];
                for (; t + 4 <= t_end; t += 4) {
                    dot4(row, token_row(t), act_bytes, cols, out);
                    for (int k = 0; k < 4; ++k) {
                        y[(t + k) * y_stride + r] = out[k];
                    }
                }
            }
            for (; t < t_end; ++t) {
                y[t * y_stride + r] = dot(row, token_row(t), cols);
            }
        }
    }
}

constexpr std::int64_t k_row_block = 16;  // rows per parallel task

}  // namespace

void matmul(const weight_view& w, matmul_input& in, float* y, thread_pool& pool) {
    g_weight_bytes.fetch_add(static_cast<std::uint64_t>(w.rows) * w.row_bytes, std::memory_order_relaxed);
    const std::size_t act_bytes = kernels::activation_row_bytes(w.type, static_cast<std::size_t>(w.cols));
    const std::uint8_t* act = in.quantized_for(w.type, pool);
    const std::uint8_t* packed =
        in.n_tokens() >= 16 && kernels::gemm16_for(w.type) != nullptr ? in.packed_for_gemm16(w.type, pool) : nullptr;
    const std::int64_t n_tasks = (w.rows + k_row_block - 1) / k_row_block;
    pool.parallel_for(n_tasks, [&](int, std::int64_t task_begin, std::int64_t task_end) {
        rows_against_tokens(w, task_begin * k_row_block, std::min(w.rows, task_end * k_row_block), act, act_bytes,
                            in.n_tokens(), y, w.rows, packed, in.n_tokens() >= 2);
    });
}

void matmul_heads(const std::vector<weight_view>& w, const float* x, std::int64_t x_token_stride,
                  std::int64_t x_head_stride, std::int64_t n_tokens, float* y, std::int64_t y_token_stride,
                  std::int64_t y_head_stride, std::vector<std::uint8_t>& act, thread_pool& pool) {
    std::vector<matmul_job> jobs;
    for (std::size_t h = 0; h < w.size(); ++h) {
        const auto off = static_cast<std::int64_t>(h);
        jobs.push_back(
            {&w[h], x + off * x_head_stride, n_tokens, y + off * y_head_stride, x_token_stride, y_token_stride});
    }
    matmul_batch(jobs, act, pool);
}

void matmul_batch(std::span<const matmul_job> jobs, std::vector<std::uint8_t>& act, thread_pool& pool) {
    // Per job: where its quantized input starts in `act`, the bytes of one of its rows, and its
    // first task (a task is k_row_block rows of one job).
    std::vector<std::size_t> act_at(jobs.size()), act_bytes(jobs.size());
    std::vector<std::int64_t> first_task(jobs.size() + 1, 0);
    std::size_t total = 0;
    for (std::size_t j = 0; j < jobs.size(); ++j) {
        const weight_view& w = *jobs[j].w;
        act_at[j] = total;
        act_bytes[j] = kernels::activation_row_bytes(w.type, static_cast<std::size_t>(w.cols));
        total += static_cast<std::size_t>(jobs[j].n_tokens) * act_bytes[j];
        first_task[j + 1] = first_task[j] + (w.rows + k_row_block - 1) / k_row_block;
        g_weight_bytes.fetch_add(static_cast<std::uint64_t>(w.rows) * w.row_bytes, std::memory_order_relaxed);
    }
    // Jobs of sixteen tokens or more whose type has a sixteen-row kernel also get their activations
    // packed for it (kernels/gemm_amx.h), in `act` after all the quantized ones, each 64-byte aligned
    // (packed_at counts from the first 64-byte boundary in `act`).
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::vector<std::size_t> packed_at(jobs.size(), none);
    total = round_up_64(total);
    for (std::size_t j = 0; j < jobs.size(); ++j) {
        const weight_view& w = *jobs[j].w;
        if (jobs[j].n_tokens >= 16 && kernels::gemm16_for(w.type) != nullptr) {
            packed_at[j] = total;
            total += round_up_64(kernels::amx_packed_bytes(w.type, static_cast<std::size_t>(w.cols), jobs[j].n_tokens));
        }
    }
    if (act.size() < total + 63) {
        act.resize(total + 63);
    }
    std::uint8_t* const aligned = align_64(act.data());
    pool.parallel_for(static_cast<std::int64_t>(jobs.size()), [&](int, std::int64_t begin, std::int64_t end) {
        for (auto j = static_cast<std::size_t>(begin); j < static_cast<std::size_t>(end); ++j) {
            const weight_view& w = *jobs[j].w;
            quantize_tokens(w.type, jobs[j].x, jobs[j].x_stride > 0 ? jobs[j].x_stride : w.cols, w.cols, 0,
                            jobs[j].n_tokens, act.data() + act_at[j], act_bytes[j]);
            if (packed_at[j] != none) {
                kernels::gemm16_pack(*kernels::gemm16_for(w.type), act.data() + act_at[j], act_bytes[j],
                                     static_cast<std::size_t>(w.cols), 0, jobs[j].n_tokens / 16,
                                     aligned + packed_at[j]);
            }
        }
    });
    pool.parallel_for(first_task.back(), [&](int, std::int64_t begin, std::int64_t end) {
        for (std::int64_t task = begin; task < end; ++task) {
            const auto j = static_cast<std::size_t>(std::upper_bound(first_task.begin(), first_task.end(), task) -
                                                    first_task.begin() - 1);
            const matmul_job& job = jobs[j];
            const weight_view& w = *job.w;
            const std::int64_t r0 = (task - first_task[j]) * k_row_block;
            rows_against_tokens(w, r0, std::min(w.rows, r0 + k_row_block), act.data() + act_at[j], act_bytes[j],
                                job.n_tokens, job.y, job.y_stride > 0 ? job.y_stride : w.rows,
                                packed_at[j] != none ? aligned + packed_at[j] : nullptr);
        }
    });
}

void swiglu_ffn(const weight_view& gate, const weight_view& up, const weight_view& down, const float* x,
                std::int64_t n_tokens, matmul_input& in, float* gate_buf, float* up_buf, float* out,
                thread_pool& pool) {
    in.set(x, n_tokens, gate.cols);
    matmul(gate, in, gate_buf, pool);
    matmul(up, in, up_buf, pool);
    for (std::int64_t t = 0; t < n_tokens; ++t) {  // row by row, as the reference's vectors run
        swiglu(gate_buf + t * gate.rows, up_buf + t * gate.rows, gate_buf + t * gate.rows, gate.rows);
    }
    in.set(gate_buf, n_tokens, gate.rows);
    matmul(down, in, out, pool);
}

void trace(const char* name, std::int64_t layer, const float* x, std::int64_t rows, std::int64_t cols) {
    static const bool on = std::getenv("DEEPDESK_TRACE") != nullptr;
    if (!on) {
        return;
    }
    double sum = 0.0;
    for (std::int64_t i = 0; i < rows * cols; ++i) {
        sum += x[i];
    }
    std::fprintf(stderr, "trace: %s-%lld (%lld, %lld) sum = %.6f\n", name, static_cast<long long>(layer),
                 static_cast<long long>(rows), static_cast<long long>(cols), sum);
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* row = x + r * cols;
        std::fprintf(stderr, "  [%10.4f, %10.4f, %10.4f, ..., %10.4f, %10.4f, %10.4f]\n", row[0], row[1 % cols],
                     row[2 % cols], row[(cols - 3 + cols) % cols], row[(cols - 2 + cols) % cols], row[cols - 1]);
    }
}

void add_bias(float* y, const float* b, std::int64_t n_tokens, std::int64_t n) {
    for (std::int64_t t = 0; t < n_tokens; ++t) {
        for (std::int64_t i = 0; i < n; ++i) {
            y[t * n + i] += b[i];
        }
    }
}

void set_yarn(rope_params& p, float factor, std::int64_t n_ctx_orig) {
    // The pair index whose wavelength fits `rotations` times into the original context.
    const auto corr = [&](float rotations) {
        return static_cast<float>(p.dims) *
               std::log(static_cast<float>(n_ctx_orig) / (rotations * 2.0f * std::numbers::pi_v<float>)) /
               (2.0f * std::log(p.freq_base));
    };
    p.yarn_freq_scale = 1.0f / factor;
    p.yarn_low = std::max(0.0f, std::floor(corr(32.0f)));
    p.yarn_high = std::min(static_cast<float>(p.dims - 1), std::ceil(corr(1.0f)));
}

void rope_angles(std::int64_t pos, const rope_params& p, float* cos_sin) {
    // The reference runtime's order of operations, so that the angles agree bit for bit: the base
    // angle starts at the position and is multiplied by base^(-2/dims) once per pair (not raised
    // to the pair's power), then divided by the pair's frequency factor and scaled.
    const float step = std::pow(p.freq_base, -2.0f / static_cast<float>(p.dims));
    float base = static_cast<float>(pos);
    for (int i = 0; i < p.dims / 2; ++i, base *= step) {
        const float original = p.freq_factors != nullptr ? base / p.freq_factors[i] : base;
        float theta = p.position_scale * original;
        if (p.yarn_freq_scale > 0.0f) {
            const float y = (static_cast<float>(i) - p.yarn_low) / std::max(0.001f, p.yarn_high - p.yarn_low);
            const float extrapolate = 1.0f - std::clamp(y, 0.0f, 1.0f);  // 1: keep the original angle
            theta = original * p.yarn_freq_scale * (1.0f - extrapolate) + original * extrapolate;
        }
        cos_sin[2 * i] = std::cos(theta);
        cos_sin[2 * i + 1] = std::sin(theta);
    }
}

void rope(float* x, int n_heads, int head_dim, const float* cos_sin, const rope_params& p) {
    const int half = p.dims / 2;
    for (int h = 0; h < n_heads; ++h) {
        float* v = x + static_cast<std::ptrdiff_t>(h) * head_dim;
        for (int i = 0; i < half; ++i) {
            const float c = cos_sin[2 * i];
            const float s = cos_sin[2 * i + 1];
            const int a = p.style == rope_style::adjacent ? 2 * i : i;
            const int b = p.style == rope_style::adjacent ? 2 * i + 1 : i + half;
            const float x0 = v[a];
            const float x1 = v[b];
            v[a] = std::fma(x0, c, -(x1 * s));
            v[b] = std::fma(x0, s, x1 * c);
        }
    }
}

void swiglu(const float* gate, const float* up, float* out, std::int64_t n) {
    kernels::vec_kernels().silu_mul(gate, up, out, static_cast<std::size_t>(n));
}

void softmax(float* x, std::int64_t n) {
    const float max = *std::max_element(x, x + n);
    const double sum = kernels::vec_kernels().exp_sum(x, static_cast<std::size_t>(n), max);
    const float inv = static_cast<float>(1.0 / sum);
    for (std::int64_t i = 0; i < n; ++i) {
        x[i] *= inv;
    }
}

void attention_softmax(float* scores, std::int64_t n) {
    const std::int64_t padded = (n + k_score_pad - 1) / k_score_pad * k_score_pad;
    std::fill(scores + n, scores + padded, -std::numeric_limits<float>::infinity());
    softmax(scores, padded);
}

}  // namespace deepdesk::ops
