// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for importing a conversation export: any file is imported whole or refused with
// import_error, leaving the database as it was; never a crash (deep nesting included).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/exchange.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static deepdesk::storage::database db(":memory:");
    deepdesk::storage::conversation_store store(db);
    const std::size_t before = store.list_conversations().size();
    try {
        const auto ids = deepdesk::storage::import_json(store, std::string(reinterpret_cast<const char*>(data), size));
        for (const auto id : ids) {
            store.delete_conversation(id);
        }
    } catch (const deepdesk::storage::import_error&) {
    }
    if (store.list_conversations().size() != before) {
        std::abort();  // a refused import left something behind
    }
    return 0;
}
