// SPDX-License-Identifier: GPL-3.0-or-later
// The model download queue as the app keeps it between runs: one record per file, in queue order,
// each an opaque JSON text the app writes and reads back. Saved whole, in one transaction.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "storage/database.h"

namespace deepdesk::storage {

struct download_record {
    std::string id;          // unique: the file name
    std::string state_json;  // what the app needs to resume it
};

std::vector<download_record> load_download_queue(database& db);
// Replaces the stored queue with `records` (their order is the queue order).
void save_download_queue(database& db, const std::vector<download_record>& records);

}  // namespace deepdesk::storage
