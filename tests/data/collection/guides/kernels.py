# SPDX-License-Identifier: GPL-3.0-or-later
# Reference implementation of the Q8_0 dot product used to check the SIMD kernels.

def q8_0_dot(blocks_a, blocks_b):
    """Each block holds a float16 scale and 32 signed 8-bit values."""
    total = 0.0
    for (scale_a, qa), (scale_b, qb) in zip(blocks_a, blocks_b):
        total += scale_a * scale_b * sum(x * y for x, y in zip(qa, qb))
    return total
