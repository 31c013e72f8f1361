// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/download_queue.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace deepdesk::storage {

std::vector<download_record> load_download_queue(database& db) {
    std::vector<download_record> out;
    SQLite::Statement q(db.sql(), "SELECT id, state_json FROM downloads ORDER BY position");
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
    }
    return out;
}

void save_download_queue(database& db, const std::vector<download_record>& records) {
    SQLite::Transaction tx(db.sql());
    db.sql().exec("DELETE FROM downloads");
    SQLite::Statement insert(db.sql(), "INSERT INTO downloads(id, position, state_json) VALUES (?, ?, ?)");
    int position = 0;
    for (const auto& r : records) {
        insert.bind(1, r.id);
        insert.bind(2, position++);
        insert.bind(3, r.state_json);
        insert.exec();
        insert.reset();
    }
    tx.commit();
}

void update_download_queue(database& db, const std::vector<download_record>& records,
                           const std::vector<std::string>& removed) {
    SQLite::Transaction tx(db.sql());
    SQLite::Statement drop(db.sql(), "DELETE FROM downloads WHERE id = ?");
    for (const auto& id : removed) {
        drop.bind(1, id);
        drop.exec();
        drop.reset();
    }
    SQLite::Statement update(db.sql(), "UPDATE downloads SET state_json = ? WHERE id = ?");
    SQLite::Statement insert(db.sql(),
                             "INSERT INTO downloads(id, position, state_json) "
                             "VALUES (?, (SELECT COALESCE(MAX(position), -1) + 1 FROM downloads), ?)");
    for (const auto& r : records) {
        update.bind(1, r.state_json);
        update.bind(2, r.id);
        if (update.exec() == 0) {
            insert.bind(1, r.id);
            insert.bind(2, r.state_json);
            insert.exec();
            insert.reset();
        }
        update.reset();
    }
    tx.commit();
}

}  // namespace deepdesk::storage
