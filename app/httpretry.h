// SPDX-License-Identifier: GPL-3.0-or-later
// What an HTTP answer says about asking again: the statuses of a server that is busy or down for a
// while (429, 5xx), and how long it asked to be left alone (Retry-After, in seconds).
#pragma once

#include <QNetworkReply>

#include <algorithm>

namespace deepdesk::app {

inline bool serverBusy(int status) { return status == 429 || status >= 500; }

// Retry-After in ms, at most `maxMs`; 0 when the server sent none (or an HTTP date, not read).
inline qint64 retryAfterMs(const QNetworkReply& reply, qint64 maxMs) {
    bool seconds = false;
    const qint64 asked = reply.rawHeader("Retry-After").trimmed().toLongLong(&seconds);
    return seconds && asked > 0 ? std::min(asked * 1000, maxMs) : 0;
}

}  // namespace deepdesk::app
