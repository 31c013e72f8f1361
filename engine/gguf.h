// SPDX-License-Identifier: GPL-3.0-or-later
// GGUF reader. `parse` validates a complete file image held in memory and returns views into it
// (no copies); `open` maps a file (and the other parts of a split model) and parses it. Nothing is
// used before everything has been checked: every count, length, type, shape and tensor extent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "engine/tensor_types.h"

namespace deepdesk::gguf {

// A file that is not a valid GGUF, or cannot be read. The message names the file and the problem.
class gguf_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class value_type : std::uint32_t {
    u8 = 0,
    i8 = 1,
    u16 = 2,
    i16 = 3,
    u32 = 4,
    i32 = 5,
    f32 = 6,
    boolean = 7,
    string = 8,
    array = 9,
    u64 = 10,
    i64 = 11,
    f64 = 12,
};
std::string_view value_type_name(value_type t);

// An array value: element type and count; numbers stay in the file (little-endian, possibly
// unaligned: read them with `number_at`), strings are views into the file.
struct array_value {
    value_type type = value_type::u8;
    std::uint64_t count = 0;
    const std::uint8_t* data = nullptr;     // numeric elements, count * element size bytes
    std::vector<std::string_view> strings;  // string elements

    // Element i of a numeric array, converted to double.
    double number_at(std::uint64_t i) const;
};

using value = std::variant<std::uint8_t, std::int8_t, std::uint16_t, std::int16_t, std::uint32_t, std::int32_t, float,
                           bool, std::string_view, array_value, std::uint64_t, std::int64_t, double>;

struct metadata_entry {
    std::string_view key;
    value_type type;
    value val;
};

struct tensor_info {
    std::string_view name;
    std::uint32_t n_dims = 0;
    std::int64_t ne[4] = {1, 1, 1, 1};  // ne[0] is the contiguous row length
    tensor_type type = tensor_type::f32;
    std::uint64_t offset = 0;            // from the start of the data section
    const std::uint8_t* data = nullptr;  // inside the file image
    std::uint64_t size = 0;              // bytes

    std::int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

// A parsed GGUF image. Holds views into the bytes given to `parse`, which must outlive it.
class file {
public:
    // Validates and indexes a whole GGUF file image. `name` is used in error messages.
    static file parse(const std::uint8_t* bytes, std::size_t size, std::string name = "<memory>");

    const std::string& name() const { return m_name; }
    std::uint32_t version() const { return m_version; }
    std::uint32_t alignment() const { return m_alignment; }
    std::uint64_t data_offset() const { return m_data_offset; }

    const std::vector<metadata_entry>& metadata() const { return m_metadata; }
    const std::vector<tensor_info>& tensors() const { return m_tensors; }

    const metadata_entry* find(std::string_view key) const;
    const tensor_info* find_tensor(std::string_view name) const;

    // Typed look-ups. Integers of any width and signedness convert when the value fits; a
    // missing key gives nullopt; a key of the wrong type is a gguf_error naming the key.
    std::optional<std::string_view> get_string(std::string_view key) const;
    std::optional<std::uint64_t> get_uint(std::string_view key) const;
    std::optional<std::int64_t> get_int(std::string_view key) const;
    std::optional<double> get_float(std::string_view key) const;
    std::optional<bool> get_bool(std::string_view key) const;
    const array_value* get_array(std::string_view key) const;

private:
    std::string m_name;
    std::uint32_t m_version = 0;
    std::uint32_t m_alignment = 32;
    std::uint64_t m_data_offset = 0;
    std::vector<metadata_entry> m_metadata;
    std::vector<tensor_info> m_tensors;
    std::unordered_map<std::string_view, std::size_t> m_key_index;
    std::unordered_map<std::string_view, std::size_t> m_tensor_index;
};

// A read-only memory mapping of a whole file.
class mapped_file {
public:
    explicit mapped_file(const std::string& path);
    ~mapped_file();
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;

    const std::uint8_t* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    const std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
};

// A model on disk: one GGUF file, or all parts of a split one (`name-00001-of-00003.gguf`; any
// part may be named). Metadata comes from the first part; tensors from all of them.
class model_file {
public:
    static std::unique_ptr<model_file> open(const std::string& path);

    const file& main() const { return *m_parts.front().parsed; }
    std::size_t part_count() const { return m_parts.size(); }
    const file& part(std::size_t i) const { return *m_parts[i].parsed; }
    std::uint64_t total_bytes() const;

    const tensor_info* find_tensor(std::string_view name) const;
    // All tensors of all parts, in file order.
    std::vector<const tensor_info*> tensors() const;

private:
    struct part_data {
        std::unique_ptr<mapped_file> map;
        std::unique_ptr<file> parsed;
    };
    std::vector<part_data> m_parts;
    std::unordered_map<std::string_view, const tensor_info*> m_tensor_index;
};

// For `name-0000K-of-0000N.gguf`: the paths of all N parts in order; for any other name, nullopt.
std::optional<std::vector<std::string>> split_part_paths(const std::string& path);

}  // namespace deepdesk::gguf
