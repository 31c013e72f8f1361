// SPDX-License-Identifier: GPL-3.0-or-later
// The model download queue as the app keeps it between runs: one record per file, in queue order,
// each an opaque JSON text the app writes and reads back.
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
// Changes only what one writer knows of: `records` are written over their stored selves (keeping
// their place) or added at the end, in their order; `removed` are deleted; entries another writer
// (a second DeepDesk) stored are kept. One transaction.
void update_download_queue(database& db, const std::vector<download_record>& records,
                           const std::vector<std::string>& removed);

}  // namespace deepdesk::storage
