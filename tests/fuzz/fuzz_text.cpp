// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for what text goes through: the tokenizer (with and without control tokens,
// and as a message of a chat prompt, where typed control tokens must stay text), the reasoning
// splitter fed in pieces cut anywhere, and chat template detection. Any input: no crash, and the
// splitter gives back no more than it was fed, and its deltas add up to its result.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "engine/chat_format.h"
#include "engine/gguf.h"
#include "engine/reasoning.h"
#include "engine/tokenizer.h"
#include "tests/support/scripted_chat_model.h"

namespace {

std::unique_ptr<deepdesk::tokenizer> g_tok;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const std::string path = "/tmp/deepdesk-fuzz-vocab-" + std::to_string(::getpid()) + ".gguf";
    deepdesk::testing::write_scripted_chat_model(path);
    const auto f = deepdesk::gguf::model_file::open(path);
    g_tok = deepdesk::tokenizer::from_gguf(f->main());
    ::unlink(path.c_str());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)g_tok->encode(text, true, true);
    (void)g_tok->encode(text, false, false);
    using role = deepdesk::chat_message::role;
    const auto format = *deepdesk::chat_format_by_name("deepseek-r1");
    const auto prompt = deepdesk::render_chat_spans(format, {{role::user, text}, {role::assistant, text}}, true);
    (void)g_tok->encode(prompt.text, true, prompt.content);
    (void)deepdesk::detect_chat_format(text);

    // Cut where the first byte says, again and again; every byte comes back as reasoning or answer.
    // A delta that says the answer so far was reasoning carries that text again, as reasoning.
    deepdesk::reasoning_splitter splitter(size > 0 && (data[0] & 1) != 0);
    std::string reasoning, answer;
    const auto take = [&](const deepdesk::reasoning_delta& d) {
        if (d.answer_was_reasoning) {
            answer.clear();
        }
        reasoning += d.reasoning;
        answer += d.answer;
    };
    std::size_t at = 0;
    for (std::size_t i = 0; at < size; ++i) {
        const std::size_t step = 1 + (size > 0 ? data[i % size] % 7 : 0);
        take(splitter.feed(std::string_view(text).substr(at, step)));
        at += step;
    }
    take(splitter.finish());
    if (reasoning.size() + answer.size() > text.size()) {
        std::abort();  // text appeared from nowhere
    }
    if (reasoning != splitter.reasoning() || answer != splitter.answer()) {
        std::abort();  // the deltas do not add up to what the splitter says it gave
    }
    return 0;
}
