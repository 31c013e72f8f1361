// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model.h"

#include <cstring>

#include "engine/kernels/dequant.h"

namespace deepdesk {
namespace {

std::string shape_string(const gguf::tensor_info& t) {
    std::string s = "[";
    for (std::uint32_t d = 0; d < t.n_dims; ++d) {
        s += (d ? ", " : "") + std::to_string(t.ne[d]);
    }
    return s + "]";
}

}  // namespace

bool architecture_impl::forward_states(run_state&, std::span<const std::int32_t>, std::int64_t, float*, thread_pool&,
                                       const std::atomic<bool>*) const {
    throw model_error("this architecture has no hidden-state output, so it cannot embed text");
}

void model::fail(const std::string& problem) const { throw model_error(m_path + ": " + problem); }

const gguf::tensor_info* model::find_tensor(const std::string& name) const { return m_file->find_tensor(name); }

const gguf::tensor_info& model::tensor(const std::string& name) const {
    const gguf::tensor_info* t = find_tensor(name);
    if (t == nullptr) {
        fail("tensor '" + name + "' is missing (incomplete or not a " + m_config.architecture + " model)");
    }
    return *t;
}

weight_view model::matrix(const std::string& name, std::int64_t cols, std::int64_t rows) const {
    const gguf::tensor_info& t = tensor(name);
    if (t.ne[0] != cols || t.ne[1] != rows || t.ne[2] != 1 || t.ne[3] != 1) {
        fail("tensor '" + name + "' has shape " + shape_string(t) + ", expected [" + std::to_string(cols) + ", " +
             std::to_string(rows) + "]");
    }
    const auto& traits = traits_of(t.type);
    if (!traits.supported) {
        fail("tensor '" + name + "' has type " + std::string(traits.name) + ", which DeepDesk cannot run yet");
    }
    return weight_view{t.type, cols, rows, t.data, row_bytes(traits, static_cast<std::size_t>(cols))};
}

std::vector<weight_view> model::matrices(const std::string& name, std::int64_t cols, std::int64_t rows,
                                         std::int64_t count) const {
    const gguf::tensor_info& t = tensor(name);
    if (t.ne[0] != cols || t.ne[1] != rows || t.ne[2] != count || t.ne[3] != 1) {
        fail("tensor '" + name + "' has shape " + shape_string(t) + ", expected [" + std::to_string(cols) + ", " +
             std::to_string(rows) + ", " + std::to_string(count) + "]");
    }
    const auto& traits = traits_of(t.type);
    if (!traits.supported) {
        fail("tensor '" + name + "' has type " + std::string(traits.name) + ", which DeepDesk cannot run yet");
    }
    const std::size_t rb = row_bytes(traits, static_cast<std::size_t>(cols));
    std::vector<weight_view> out;
    for (std::int64_t i = 0; i < count; ++i) {
        out.push_back(weight_view{t.type, cols, rows, t.data + static_cast<std::size_t>(i * rows) * rb, rb});
    }
    return out;
}

std::vector<float> model::vector(const std::string& name, std::int64_t n) const {
    const gguf::tensor_info& t = tensor(name);
    if (t.elements() != n || t.ne[0] != n) {
        fail("tensor '" + name + "' has shape " + shape_string(t) + ", expected [" + std::to_string(n) + "]");
    }
    if (!traits_of(t.type).supported) {
        fail("tensor '" + name + "' has unsupported type " + type_name(static_cast<std::uint32_t>(t.type)));
    }
    std::vector<float> out(static_cast<std::size_t>(n));
    kernels::dequantize_row_ref(t.type, t.data, out.data(), out.size());
    return out;
}

std::uint64_t model::parameter_count() const {
    std::uint64_t total = 0;
    for (const auto* t : m_file->tensors()) {
        total += static_cast<std::uint64_t>(t->elements());
    }
    return total;
}

std::unique_ptr<model> model::load(const std::string& path) {
    auto m = std::unique_ptr<model>(new model());
    m->m_path = path;
    m->m_file = gguf::model_file::open(path);
    const gguf::file& f = m->m_file->main();
    const auto arch = f.get_string("general.architecture");
    if (!arch) {
        m->fail("general.architecture is missing: this GGUF file holds no model (a vocabulary-only file?)");
    }
    m->m_config.architecture = std::string(*arch);
    m->m_config.name = std::string(f.get_string("general.name").value_or(""));
    using loader = std::unique_ptr<architecture_impl> (*)(model&);
    loader load_arch = nullptr;
    if (*arch == "llama") {
        load_arch = load_llama;
    } else if (*arch == "qwen2") {
        load_arch = load_qwen2;
    } else if (*arch == "qwen3") {
        load_arch = load_qwen3;
    } else if (*arch == "deepseek2") {
        load_arch = load_deepseek2;
    } else {
        m->fail("architecture '" + std::string(*arch) +
                "' is not supported (supported: llama, qwen2, qwen3, deepseek2)");
    }
    if (m->m_file->tensors().empty()) {
        m->fail("the file holds no tensors (a vocabulary-only file?)");
    }
    m->m_impl = load_arch(*m);
    return m;
}

}  // namespace deepdesk
