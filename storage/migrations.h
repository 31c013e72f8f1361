// SPDX-License-Identifier: GPL-3.0-or-later
// Schema migrations. Migration i (1-based) takes a database at user_version i-1 to version i.
// New versions are appended here, never edited once released.
#pragma once

#include <SQLiteCpp/Database.h>

namespace deepdesk::storage {

// The schema version this build writes.
int latest_schema_version();

// Applies migrations from `from_version` + 1 up to `to_version` inside one transaction each,
// setting user_version after each step.
void migrate(SQLite::Database& db, int from_version, int to_version);

}  // namespace deepdesk::storage
