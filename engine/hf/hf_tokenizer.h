// SPDX-License-Identifier: GPL-3.0-or-later
// Import of a Hugging Face tokenizer directory (tokenizer.json, and tokenizer_config.json when
// present) into the engine's byte-level BPE tokenizer. Kept apart from deepdesk_engine because it
// is the one part of the engine that reads JSON (nlohmann-json).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "engine/tokenizer.h"

namespace deepdesk::hf {

struct imported_tokenizer {
    std::unique_ptr<tokenizer> tok;
    tokenizer_spec spec;
    std::string chat_template;  // from tokenizer_config.json; empty when absent
    // Text normalisation the file asks for that the engine does not apply (e.g. "NFC"); text
    // that is already in that form tokenizes the same. Empty when there is none.
    std::string unapplied_normalizer;
};

// Reads `dir`/tokenizer.json (or `dir` itself when it is the file). Throws tokenizer_error naming
// the file and the problem: missing file, malformed JSON, a model other than BPE, a pre-tokenizer
// or normalizer this engine cannot run.
imported_tokenizer load_tokenizer_dir(const std::filesystem::path& dir);

// The same from JSON text already in memory (`config_json` may be empty).
imported_tokenizer parse_tokenizer_json(const std::string& tokenizer_json, const std::string& config_json,
                                        const std::string& source);

}  // namespace deepdesk::hf
