// SPDX-License-Identifier: GPL-3.0-or-later
// A small GGUF writer for tests: builds files with chosen metadata and tensors, byte for byte as
// the format describes, so tests can make models and broken files of their own.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace deepdesk::testing {

class gguf_writer {
public:
    explicit gguf_writer(std::uint32_t alignment = 32) : m_alignment(alignment) {}

    // Metadata. Integer types follow the method name; arrays of numbers take the element type id.
    void add_u32(const std::string& key, std::uint32_t v) { scalar(key, 4, v); }
    void add_i32(const std::string& key, std::int32_t v) { scalar(key, 5, v); }
    void add_f32(const std::string& key, float v) { scalar(key, 6, v); }
    void add_bool(const std::string& key, bool v) { scalar(key, 7, static_cast<std::uint8_t>(v ? 1 : 0)); }
    void add_u64(const std::string& key, std::uint64_t v) { scalar(key, 10, v); }
    void add_string(const std::string& key, const std::string& v) {
        key_and_type(key, 8);
        put_string(m_kv, v);
        ++m_n_kv;
    }
    void add_string_array(const std::string& key, const std::vector<std::string>& v) {
        key_and_type(key, 9);
        put(m_kv, std::uint32_t{8});
        put(m_kv, static_cast<std::uint64_t>(v.size()));
        for (const auto& s : v) {
            put_string(m_kv, s);
        }
        ++m_n_kv;
    }
    template <typename T>
    void add_array(const std::string& key, std::uint32_t elem_type, const std::vector<T>& v) {
        key_and_type(key, 9);
        put(m_kv, elem_type);
        put(m_kv, static_cast<std::uint64_t>(v.size()));
        for (const auto& x : v) {
            put(m_kv, x);
        }
        ++m_n_kv;
    }

    // A tensor with its raw bytes (already in the tensor's type). ne[0] is the row length.
    void add_tensor(const std::string& name, std::uint32_t type, const std::vector<std::int64_t>& ne,
                    const std::vector<std::uint8_t>& bytes) {
        put_string(m_info, name);
        put(m_info, static_cast<std::uint32_t>(ne.size()));
        for (auto d : ne) {
            put(m_info, d);
        }
        put(m_info, type);
        const std::uint64_t offset = (m_data.size() + m_alignment - 1) / m_alignment * m_alignment;
        m_data.resize(offset, 0);
        put(m_info, offset);
        m_data.insert(m_data.end(), bytes.begin(), bytes.end());
        ++m_n_tensors;
    }
    // A tensor whose `nbytes` of data the caller writes after the header (streamed writers): only
    // its info is recorded; bytes() then holds the header alone if no tensor carries data.
    void add_tensor_info(const std::string& name, std::uint32_t type, const std::vector<std::int64_t>& ne,
                         std::uint64_t nbytes) {
        put_string(m_info, name);
        put(m_info, static_cast<std::uint32_t>(ne.size()));
        for (auto d : ne) {
            put(m_info, d);
        }
        put(m_info, type);
        const std::uint64_t offset = (m_streamed + m_alignment - 1) / m_alignment * m_alignment;
        put(m_info, offset);
        m_streamed = offset + nbytes;
        ++m_n_tensors;
    }
    // An f32 tensor from values.
    void add_f32_tensor(const std::string& name, const std::vector<std::int64_t>& ne, const std::vector<float>& v) {
        std::vector<std::uint8_t> bytes(v.size() * 4);
        std::memcpy(bytes.data(), v.data(), bytes.size());
        add_tensor(name, 0, ne, bytes);
    }

    // The whole file. `header_end` (optional) receives where the tensor infos end.
    std::vector<std::uint8_t> bytes(std::size_t* header_end = nullptr, std::uint32_t version = 3) const {
        std::vector<std::uint8_t> out;
        put(out, std::uint32_t{0x46554747});
        put(out, version);
        put(out, m_n_tensors);
        put(out, m_n_kv);
        out.insert(out.end(), m_kv.begin(), m_kv.end());
        out.insert(out.end(), m_info.begin(), m_info.end());
        if (header_end != nullptr) {
            *header_end = out.size();
        }
        if (m_n_tensors > 0) {
            out.resize((out.size() + m_alignment - 1) / m_alignment * m_alignment, 0);
            out.insert(out.end(), m_data.begin(), m_data.end());
        }
        return out;
    }

    void write(const std::string& path) const {
        const auto b = bytes();
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
        if (!f) {
            throw std::runtime_error("cannot write " + path);
        }
    }

private:
    template <typename T>
    static void put(std::vector<std::uint8_t>& out, const T& v) {
        const std::size_t at = out.size();
        out.resize(at + sizeof(T));
        std::memcpy(out.data() + at, &v, sizeof(T));
    }
    static void put_string(std::vector<std::uint8_t>& out, const std::string& s) {
        put(out, static_cast<std::uint64_t>(s.size()));
        out.insert(out.end(), s.begin(), s.end());
    }
    void key_and_type(const std::string& key, std::uint32_t type) {
        put_string(m_kv, key);
        put(m_kv, type);
    }
    template <typename T>
    void scalar(const std::string& key, std::uint32_t type, T v) {
        key_and_type(key, type);
        put(m_kv, v);
        ++m_n_kv;
    }

    std::uint32_t m_alignment;
    std::uint64_t m_n_kv = 0;
    std::uint64_t m_n_tensors = 0;
    std::uint64_t m_streamed = 0;
    std::vector<std::uint8_t> m_kv;
    std::vector<std::uint8_t> m_info;
    std::vector<std::uint8_t> m_data;
};

}  // namespace deepdesk::testing
