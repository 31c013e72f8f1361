// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/gguf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

namespace deepdesk::gguf {
namespace {

constexpr std::uint32_t k_magic = 0x46554747;  // "GGUF" read as little-endian u32
constexpr std::uint64_t k_max_string = std::uint64_t{1} << 30;

std::size_t scalar_size(value_type t) {
    switch (t) {
    case value_type::u8:
    case value_type::i8:
    case value_type::boolean: return 1;
    case value_type::u16:
    case value_type::i16: return 2;
    case value_type::u32:
    case value_type::i32:
    case value_type::f32: return 4;
    case value_type::u64:
    case value_type::i64:
    case value_type::f64: return 8;
    case value_type::string:
    case value_type::array: return 0;
    }
    return 0;
}

bool known_value_type(std::uint32_t t) { return t <= static_cast<std::uint32_t>(value_type::f64); }

// Bounds-checked little-endian cursor over the file image.
class reader {
public:
    reader(const std::uint8_t* bytes, std::size_t size, const std::string& name)
        : m_bytes(bytes), m_size(size), m_name(name) {}

    std::size_t pos() const { return m_pos; }
    std::size_t remaining() const { return m_size - m_pos; }

    [[noreturn]] void fail(const std::string& what) const {
        throw gguf_error(m_name + ": " + what + " (at byte " + std::to_string(m_pos) + " of " + std::to_string(m_size) +
                         ")");
    }

    const std::uint8_t* take(std::size_t n, const char* what) {
        if (n > remaining()) {
            fail(std::string("file ends inside ") + what + " (truncated download?)");
        }
        const std::uint8_t* p = m_bytes + m_pos;
        m_pos += n;
        return p;
    }

    template <typename T>
    T read(const char* what) {
        T v;
        std::memcpy(&v, take(sizeof(T), what), sizeof(T));
        return v;
    }

    std::string_view read_string(const char* what) {
        const auto len = read<std::uint64_t>(what);
        if (len > remaining() || len > k_max_string) {
            fail(std::string(what) + " claims " + std::to_string(len) + " bytes, more than the file holds");
        }
        const auto* p = take(static_cast<std::size_t>(len), what);
        return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(len)};
    }

private:
    const std::uint8_t* m_bytes;
    std::size_t m_size;
    std::size_t m_pos = 0;
    const std::string& m_name;
};

value read_scalar(reader& r, value_type t) {
    switch (t) {
    case value_type::u8: return r.read<std::uint8_t>("a u8 value");
    case value_type::i8: return r.read<std::int8_t>("an i8 value");
    case value_type::u16: return r.read<std::uint16_t>("a u16 value");
    case value_type::i16: return r.read<std::int16_t>("an i16 value");
    case value_type::u32: return r.read<std::uint32_t>("a u32 value");
    case value_type::i32: return r.read<std::int32_t>("an i32 value");
    case value_type::f32: return r.read<float>("an f32 value");
    case value_type::u64: return r.read<std::uint64_t>("a u64 value");
    case value_type::i64: return r.read<std::int64_t>("an i64 value");
    case value_type::f64: return r.read<double>("an f64 value");
    case value_type::boolean: {
        const auto b = r.read<std::uint8_t>("a bool value");
        if (b > 1) {
            r.fail("bool value " + std::to_string(b) + " is neither 0 nor 1");
        }
        return b == 1;
    }
    case value_type::string: return r.read_string("a string value");
    case value_type::array: break;
    }
    r.fail("internal: not a scalar type");
}

value read_value(reader& r, value_type t, std::string_view key) {
    if (t != value_type::array) {
        return read_scalar(r, t);
    }
    const auto raw_type = r.read<std::uint32_t>("an array's element type");
    if (!known_value_type(raw_type)) {
        r.fail("array '" + std::string(key) + "' has unknown element type " + std::to_string(raw_type));
    }
    array_value a;
    a.type = static_cast<value_type>(raw_type);
    if (a.type == value_type::array) {
        r.fail("array '" + std::string(key) + "' nests arrays, which GGUF does not allow");
    }
    a.count = r.read<std::uint64_t>("an array's length");
    if (a.type == value_type::string) {
        // Each string needs at least its 8-byte length: bound the count before reserving.
        if (a.count > r.remaining() / 8) {
            r.fail("array '" + std::string(key) + "' claims " + std::to_string(a.count) +
                   " strings, more than the file can hold");
        }
        a.strings.reserve(static_cast<std::size_t>(a.count));
        for (std::uint64_t i = 0; i < a.count; ++i) {
            a.strings.push_back(r.read_string("a string in an array"));
        }
        return a;
    }
    const std::size_t elem = scalar_size(a.type);
    if (a.count > r.remaining() / elem) {
        r.fail("array '" + std::string(key) + "' claims " + std::to_string(a.count) +
               " elements, more than the file holds");
    }
    a.data = r.take(static_cast<std::size_t>(a.count) * elem, "an array");
    if (a.type == value_type::boolean) {
        for (std::uint64_t i = 0; i < a.count; ++i) {
            if (a.data[i] > 1) {
                r.fail("array '" + std::string(key) + "' holds a bool that is neither 0 nor 1");
            }
        }
    }
    return a;
}

template <typename T>
T load(const std::uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

}  // namespace

std::string_view value_type_name(value_type t) {
    static constexpr std::string_view names[] = {"u8",   "i8",     "u16",   "i16", "u32", "i32", "f32",
                                                 "bool", "string", "array", "u64", "i64", "f64"};
    const auto i = static_cast<std::uint32_t>(t);
    return i < std::size(names) ? names[i] : "unknown";
}

double array_value::number_at(std::uint64_t i) const {
    if (data == nullptr || i >= count) {
        throw std::out_of_range("array element out of range");
    }
    const std::uint8_t* p = data + i * scalar_size(type);
    switch (type) {
    case value_type::u8: return load<std::uint8_t>(p);
    case value_type::i8: return load<std::int8_t>(p);
    case value_type::u16: return load<std::uint16_t>(p);
    case value_type::i16: return load<std::int16_t>(p);
    case value_type::u32: return load<std::uint32_t>(p);
    case value_type::i32: return load<std::int32_t>(p);
    case value_type::f32: return load<float>(p);
    case value_type::boolean: return load<std::uint8_t>(p);
    case value_type::u64: return static_cast<double>(load<std::uint64_t>(p));
    case value_type::i64: return static_cast<double>(load<std::int64_t>(p));
    case value_type::f64: return load<double>(p);
    case value_type::string:
    case value_type::array: break;
    }
    throw std::logic_error("not a numeric array");
}

file file::parse(const std::uint8_t* bytes, std::size_t size, std::string name) {
    file f;
    f.m_name = std::move(name);
    reader r(bytes, size, f.m_name);

    if (size < 4 || load<std::uint32_t>(bytes) != k_magic) {
        r.fail("not a GGUF file (the first four bytes are not \"GGUF\")");
    }
    r.take(4, "the magic");
    f.m_version = r.read<std::uint32_t>("the version");
    if (f.m_version == 1) {
        r.fail("GGUF version 1 is obsolete; convert the model again with a current tool");
    }
    if (f.m_version != 2 && f.m_version != 3) {
        r.fail("GGUF version " + std::to_string(f.m_version) +
               " is not supported (versions 2 and 3 are; a huge number means a big-endian file)");
    }
    const auto n_tensors = r.read<std::uint64_t>("the tensor count");
    const auto n_kv = r.read<std::uint64_t>("the metadata count");
    // Smallest possible entries: a metadata entry is 8 (key length) + 4 (type) + 1 byte; a
    // tensor info is 8 (name length) + 4 (dims) + 8 (ne) + 4 (type) + 8 (offset).
    if (n_kv > r.remaining() / 13) {
        r.fail("the header claims " + std::to_string(n_kv) + " metadata entries, more than the file can hold");
    }
    if (n_tensors > r.remaining() / 32) {
        r.fail("the header claims " + std::to_string(n_tensors) + " tensors, more than the file can hold");
    }

    f.m_metadata.reserve(static_cast<std::size_t>(n_kv));
    for (std::uint64_t i = 0; i < n_kv; ++i) {
        const std::string_view key = r.read_string("a metadata key");
        const auto raw_type = r.read<std::uint32_t>("a metadata value type");
        if (!known_value_type(raw_type)) {
            r.fail("metadata '" + std::string(key) + "' has unknown value type " + std::to_string(raw_type));
        }
        const auto type = static_cast<value_type>(raw_type);
        value v = read_value(r, type, key);
        if (!f.m_key_index.emplace(key, f.m_metadata.size()).second) {
            r.fail("metadata key '" + std::string(key) + "' appears twice");
        }
        f.m_metadata.push_back({key, type, std::move(v)});
    }

    if (const metadata_entry* a = f.find("general.alignment")) {
        const auto* v = std::get_if<std::uint32_t>(&a->val);
        if (v == nullptr || *v == 0 || (*v & (*v - 1)) != 0) {
            r.fail("general.alignment must be a u32 power of two");
        }
        f.m_alignment = *v;
    }

    f.m_tensors.reserve(static_cast<std::size_t>(n_tensors));
    for (std::uint64_t i = 0; i < n_tensors; ++i) {
        tensor_info t;
        t.name = r.read_string("a tensor name");
        const std::string tname(t.name);
        t.n_dims = r.read<std::uint32_t>("a tensor's dimension count");
        if (t.n_dims == 0 || t.n_dims > 4) {
            r.fail("tensor '" + tname + "' has " + std::to_string(t.n_dims) + " dimensions (1 to 4 allowed)");
        }
        std::int64_t elements = 1;
        for (std::uint32_t d = 0; d < t.n_dims; ++d) {
            t.ne[d] = r.read<std::int64_t>("a tensor dimension");
            if (t.ne[d] <= 0) {
                r.fail("tensor '" + tname + "' has dimension " + std::to_string(t.ne[d]));
            }
            if (elements > std::numeric_limits<std::int64_t>::max() / t.ne[d]) {
                r.fail("tensor '" + tname + "' has more elements than can be addressed");
            }
            elements *= t.ne[d];
        }
        const auto raw_type = r.read<std::uint32_t>("a tensor type");
        const auto traits = traits_of(raw_type);
        if (!traits) {
            r.fail("tensor '" + tname + "' has unknown type id " + std::to_string(raw_type));
        }
        t.type = traits->type;
        if (t.ne[0] % static_cast<std::int64_t>(traits->block_size) != 0) {
            r.fail("tensor '" + tname + "' of type " + std::string(traits->name) + " has rows of " +
                   std::to_string(t.ne[0]) + " elements, not a multiple of its block size " +
                   std::to_string(traits->block_size));
        }
        const auto blocks = static_cast<std::uint64_t>(elements) / traits->block_size;
        if (blocks > std::numeric_limits<std::uint64_t>::max() / traits->type_size) {
            r.fail("tensor '" + tname + "' is too large");
        }
        t.size = blocks * traits->type_size;
        t.offset = r.read<std::uint64_t>("a tensor offset");
        if (t.offset % f.m_alignment != 0) {
            r.fail("tensor '" + tname + "' starts at offset " + std::to_string(t.offset) +
                   ", not a multiple of the alignment " + std::to_string(f.m_alignment));
        }
        if (!f.m_tensor_index.emplace(t.name, f.m_tensors.size()).second) {
            r.fail("tensor '" + tname + "' appears twice");
        }
        f.m_tensors.push_back(t);
    }

    const std::uint64_t header_end = r.pos();
    f.m_data_offset = (header_end + f.m_alignment - 1) / f.m_alignment * f.m_alignment;
    if (n_tensors > 0 && f.m_data_offset > size) {
        r.fail("file ends before its tensor data (truncated download?)");
    }
    for (auto& t : f.m_tensors) {
        const std::uint64_t available = size - f.m_data_offset;
        if (t.offset > available || t.size > available - t.offset) {
            throw gguf_error(f.m_name + ": tensor '" + std::string(t.name) + "' (" + std::to_string(t.size) +
                             " bytes at data offset " + std::to_string(t.offset) +
                             ") lies past the end of the file (truncated download?)");
        }
        t.data = bytes + f.m_data_offset + t.offset;
    }
    return f;
}

const metadata_entry* file::find(std::string_view key) const {
    const auto it = m_key_index.find(key);
    return it == m_key_index.end() ? nullptr : &m_metadata[it->second];
}

const tensor_info* file::find_tensor(std::string_view name) const {
    const auto it = m_tensor_index.find(name);
    return it == m_tensor_index.end() ? nullptr : &m_tensors[it->second];
}

namespace {

[[noreturn]] void wrong_type(const file& f, const metadata_entry& e, const char* wanted) {
    throw gguf_error(f.name() + ": metadata '" + std::string(e.key) + "' is a " + std::string(value_type_name(e.type)) +
                     ", expected " + wanted);
}

}  // namespace

std::optional<std::string_view> file::get_string(std::string_view key) const {
    const metadata_entry* e = find(key);
    if (e == nullptr) {
        return std::nullopt;
    }
    if (const auto* s = std::get_if<std::string_view>(&e->val)) {
        return *s;
    }
    wrong_type(*this, *e, "a string");
}

std::optional<std::int64_t> file::get_int(std::string_view key) const {
    const metadata_entry* e = find(key);
    if (e == nullptr) {
        return std::nullopt;
    }
    return std::visit(
        [&](const auto& v) -> std::int64_t {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::uint64_t>) {
                if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
                    wrong_type(*this, *e, "an integer that fits in 63 bits");
                }
                return static_cast<std::int64_t>(v);
            } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                return static_cast<std::int64_t>(v);
            } else {
                wrong_type(*this, *e, "an integer");
            }
        },
        e->val);
}

std::optional<std::uint64_t> file::get_uint(std::string_view key) const {
    const metadata_entry* e = find(key);
    if (e == nullptr) {
        return std::nullopt;
    }
    if (const auto* u = std::get_if<std::uint64_t>(&e->val)) {
        return *u;
    }
    const std::int64_t v = *get_int(key);
    if (v < 0) {
        wrong_type(*this, *e, "a non-negative integer");
    }
    return static_cast<std::uint64_t>(v);
}

std::optional<double> file::get_float(std::string_view key) const {
    const metadata_entry* e = find(key);
    if (e == nullptr) {
        return std::nullopt;
    }
    if (const auto* f = std::get_if<float>(&e->val)) {
        return *f;
    }
    if (const auto* d = std::get_if<double>(&e->val)) {
        return *d;
    }
    if (std::holds_alternative<std::string_view>(e->val) || std::holds_alternative<array_value>(e->val) ||
        std::holds_alternative<bool>(e->val)) {
        wrong_type(*this, *e, "a number");
    }
    return static_cast<double>(*get_int(key));
}

std::optional<bool> file::get_bool(std::string_view key) const {
    const metadata_entry* e = find(key);
    if (e == nullptr) {
        return std::nullopt;
    }
    if (const auto* b = std::get_if<bool>(&e->val)) {
        return *b;
    }
    wrong_type(*this, *e, "a bool");
}

const array_value* file::get_array(std::string_view key) const {
    const metadata_entry* e = find(key);
    if (e == nullptr) {
        return nullptr;
    }
    if (const auto* a = std::get_if<array_value>(&e->val)) {
        return a;
    }
    wrong_type(*this, *e, "an array");
}

mapped_file::mapped_file(const std::string& path) : m_path(path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw gguf_error(path + ": cannot open: " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const int err = errno;
        ::close(fd);
        throw gguf_error(path + ": not a regular file" + (err ? std::string(": ") + std::strerror(err) : ""));
    }
    m_size = static_cast<std::size_t>(st.st_size);
    if (m_size == 0) {
        ::close(fd);
        throw gguf_error(path + ": the file is empty");
    }
    void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int err = errno;
    ::close(fd);
    if (p == MAP_FAILED) {
        throw gguf_error(path + ": cannot map the file: " + std::strerror(err));
    }
    m_data = static_cast<const std::uint8_t*>(p);
}

mapped_file::~mapped_file() {
    if (m_data != nullptr) {
        ::munmap(const_cast<std::uint8_t*>(m_data), m_size);
    }
}

std::optional<std::vector<std::string>> split_part_paths(const std::string& path) {
    // "<prefix>-NNNNN-of-NNNNN.gguf"
    constexpr std::string_view suffix = ".gguf";
    constexpr std::size_t tail = 20;  // "-00001-of-00003.gguf"
    if (path.size() <= tail || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return std::nullopt;
    }
    const std::string_view t(path.data() + path.size() - tail, tail);
    const auto digits = [&](std::size_t at) {
        int v = 0;
        for (std::size_t i = at; i < at + 5; ++i) {
            if (t[i] < '0' || t[i] > '9') {
                return -1;
            }
            v = v * 10 + (t[i] - '0');
        }
        return v;
    };
    if (t[0] != '-' || t.substr(6, 4) != "-of-") {
        return std::nullopt;
    }
    const int no = digits(1);
    const int count = digits(10);
    if (no < 1 || count < 1 || no > count) {
        return std::nullopt;
    }
    const std::string prefix = path.substr(0, path.size() - tail);
    std::vector<std::string> out;
    for (int i = 1; i <= count; ++i) {
        char part[64];
        std::snprintf(part, sizeof(part), "-%05d-of-%05d.gguf", i, count);
        out.push_back(prefix + part);
    }
    return out;
}

std::unique_ptr<model_file> model_file::open(const std::string& path) {
    auto model = std::unique_ptr<model_file>(new model_file());
    const auto parts = split_part_paths(path);
    const std::vector<std::string> paths = parts ? *parts : std::vector<std::string>{path};
    for (const auto& p : paths) {
        part_data part;
        part.map = std::make_unique<mapped_file>(p);
        part.parsed = std::make_unique<file>(file::parse(part.map->data(), part.map->size(), p));
        model->m_parts.push_back(std::move(part));
    }
    const file& first = model->main();
    if (parts) {
        const auto count = first.get_uint("split.count");
        if (count && *count != paths.size()) {
            throw gguf_error(first.name() + ": split.count says " + std::to_string(*count) + " parts, the name says " +
                             std::to_string(paths.size()));
        }
        for (std::size_t i = 0; i < model->m_parts.size(); ++i) {
            const auto no = model->part(i).get_uint("split.no");
            if (no && *no != i) {
                throw gguf_error(model->part(i).name() + ": split.no is " + std::to_string(*no) + ", expected " +
                                 std::to_string(i));
            }
        }
    }
    std::uint64_t total = 0;
    for (const auto& part : model->m_parts) {
        for (const auto& t : part.parsed->tensors()) {
            if (!model->m_tensor_index.emplace(t.name, &t).second) {
                throw gguf_error(part.parsed->name() + ": tensor '" + std::string(t.name) +
                                 "' also appears in another part");
            }
            ++total;
        }
    }
    if (const auto expected = first.get_uint("split.tensors.count"); parts && expected && *expected != total) {
        throw gguf_error(first.name() + ": split.tensors.count says " + std::to_string(*expected) +
                         " tensors, the parts hold " + std::to_string(total));
    }
    return model;
}

std::uint64_t model_file::total_bytes() const {
    std::uint64_t total = 0;
    for (const auto& p : m_parts) {
        total += p.map->size();
    }
    return total;
}

const tensor_info* model_file::find_tensor(std::string_view name) const {
    const auto it = m_tensor_index.find(name);
    return it == m_tensor_index.end() ? nullptr : it->second;
}

std::vector<const tensor_info*> model_file::tensors() const {
    std::vector<const tensor_info*> out;
    for (const auto& p : m_parts) {
        for (const auto& t : p.parsed->tensors()) {
            out.push_back(&t);
        }
    }
    return out;
}

}  // namespace deepdesk::gguf
