// SPDX-License-Identifier: GPL-3.0-or-later
// What a model needs in memory, and what this computer has: one formula for the whole app (the
// catalog's "fits this computer", the warning before a load, the context a conversation can grow to).
#pragma once

#include <QtGlobal>

namespace deepdesk::app::memory {

struct Machine {
    qint64 totalBytes = 0;      // MemTotal; 0 when unknown
    qint64 availableBytes = 0;  // MemAvailable; 0 when unknown
};

// Read from /proc/meminfo (zeros elsewhere or when it cannot be read).
Machine machine();

// Activations, logits and the app itself, besides the weights and the KV cache.
inline constexpr qint64 k_workBytes = 300LL << 20;

// Bytes a model of `weightsBytes` needs with a context of `contextTokens`.
inline qint64 needed(qint64 weightsBytes, qint64 kvBytesPerToken, qint64 contextTokens) {
    return weightsBytes + kvBytesPerToken * contextTokens + k_workBytes;
}

// The longest context that fits in `budgetBytes` beside the weights (0 when none does).
inline qint64 contextThatFits(qint64 budgetBytes, qint64 weightsBytes, qint64 kvBytesPerToken) {
    const qint64 room = budgetBytes - weightsBytes - k_workBytes;
    return room <= 0 || kvBytesPerToken <= 0 ? 0 : room / kvBytesPerToken;
}

}  // namespace deepdesk::app::memory
