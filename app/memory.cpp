// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/memory.h"

#include <fstream>
#include <string>

namespace deepdesk::app::memory {

Machine machine() {
    Machine m;
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    long long kib = 0;
    while (in >> key >> kib >> unit) {
        if (key == "MemTotal:") {
            m.totalBytes = static_cast<qint64>(kib) * 1024;
        } else if (key == "MemAvailable:") {
            m.availableBytes = static_cast<qint64>(kib) * 1024;
        }
    }
    return m;
}

}  // namespace deepdesk::app::memory
