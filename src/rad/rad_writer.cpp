// Writing a RAD folder GUN.js reads: keys in UTF-16 order cut into files of
// bounded size, each file a radix tree whose sibling edges start with
// distinct UTF-16 code units (GUN's lookup relies on it), the directory
// last.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "core/utf8.hpp"
#include "gunpp/rad.hpp"

namespace gunpp::rad {
namespace {

namespace fs = std::filesystem;

// GUN.js writes temporary files beside the folder and names each file on
// disk after a key: past this many bytes the name is too long for it.
constexpr std::size_t kMaxNameBytes = 200;

std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    int extra;
    if (c < 0x80) {
      cp = c;
      extra = 0;
    } else if (c < 0xE0) {
      cp = c & 0x1F;
      extra = 1;
    } else if (c < 0xF0) {
      cp = c & 0x0F;
      extra = 2;
    } else {
      cp = c & 0x07;
      extra = 3;
    }
    for (int k = 1; k <= extra; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    i += static_cast<std::size_t>(extra) + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

bool high(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool low(char16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

// JSON.stringify of a UTF-16 string, as UTF-8: a surrogate alone (an edge
// may end between the two halves of a pair) as \udxxx.
void append_json(std::string& out, std::u16string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char16_t u = s[i];
    if (high(u) && i + 1 < s.size() && low(s[i + 1])) {
      detail::append_utf8(out, 0x10000 + ((char32_t(u) - 0xD800) << 10) +
                                   (char32_t(s[i + 1]) - 0xDC00));
      ++i;
    } else if (u == '"' || u == '\\') {
      out += '\\';
      out += static_cast<char>(u);
    } else if (u == '\b' || u == '\f' || u == '\n' || u == '\r' || u == '\t') {
      out += '\\';
      out += u == '\b'   ? 'b'
             : u == '\f' ? 'f'
             : u == '\n' ? 'n'
             : u == '\r' ? 'r'
                         : 't';
    } else if (u < 0x20 || high(u) || low(u)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4)
        out += kHex[(u >> shift) & 15];
    } else {
      detail::append_utf8(out, u);
    }
  }
  out += '"';
}

struct Entry {
  std::u16string key;
  std::string leaf;  // the leaf's JSON text
};

// One radix tree over entries [lo, hi), sorted, which share their first
// `depth` code units: a "" member when a key ends here, then one member per
// distinct next code unit, its edge the group's longest common prefix.
void append_tree(std::string& out, const std::vector<Entry>& entries,
                 std::size_t lo, std::size_t hi, std::size_t depth) {
  out += '{';
  bool first = true;
  const auto member = [&out, &first](std::u16string_view edge) {
    if (!first) out += ',';
    first = false;
    // Radix.map passes over an edge "undefined": nest it one level down.
    if (edge == u"undefined") {
      out += "\"u\":{\"ndefined\":";
      return true;
    }
    append_json(out, edge);
    out += ':';
    return false;
  };
  std::size_t i = lo;
  if (i < hi && entries[i].key.size() == depth) {
    member(u"");
    out += entries[i].leaf;
    ++i;
  }
  while (i < hi) {
    const char16_t c = entries[i].key[depth];
    std::size_t j = i + 1;
    while (j < hi && entries[j].key[depth] == c) ++j;
    const std::u16string& a = entries[i].key;
    const std::u16string& b = entries[j - 1].key;
    std::size_t end = depth + 1;
    if (j - i == 1) {
      end = a.size();
    } else {
      while (end < a.size() && end < b.size() && a[end] == b[end]) ++end;
    }
    const bool nested =
        member(std::u16string_view(a).substr(depth, end - depth));
    if (j - i == 1 && end == a.size()) {
      out += "{\"\":";
      out += entries[i].leaf;
      out += '}';
    } else {
      append_tree(out, entries, i, j, end);
    }
    if (nested) out += '}';
    i = j;
  }
  out += '}';
}

std::string utf8_of(std::u16string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (high(s[i]) && i + 1 < s.size() && low(s[i + 1])) {
      detail::append_utf8(out, 0x10000 + ((char32_t(s[i]) - 0xD800) << 10) +
                                   (char32_t(s[i + 1]) - 0xDC00));
      ++i;
    } else {
      detail::append_utf8(out, s[i]);
    }
  }
  return out;
}

Status write_file(const fs::path& dir, const std::string& name,
                  const std::string& text) {
  const fs::path path = dir / encode_name(name);
  const fs::path temp = dir / (".gunpp-" + encode_name(name) + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) return Status::io_error(temp.string() + ": cannot write");
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) return Status::io_error(path.string() + ": " + ec.message());
  return Status::ok();
}

// Why a field cannot be a RAD record, or empty.
std::string_view unfit(const Field& f) {
  if (f.soul.empty()) return "an empty soul";
  if (f.key.empty() || f.key == "_") return "key \"\" or \"_\"";
  const auto has = [&f](char c) {
    return f.soul.find(c) != std::string::npos ||
           f.key.find(c) != std::string::npos;
  };
  if (has('\x1b')) return "ESC in a soul or key";
  if (has('\x18')) return "U+0018 in a soul or key";
  return {};
}

}  // namespace

Status write_folder(const std::string& dir_name, std::vector<Field> fields,
                    const WriteOptions& options, WriteReport& report) {
  const fs::path dir(dir_name);
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return Status::invalid_argument(dir_name + ": exists and is not empty");
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::io_error(dir_name + ": " + ec.message());

  std::vector<Entry> entries;
  entries.reserve(fields.size());
  for (Field& f : fields) {
    if (const std::string_view why = unfit(f); !why.empty()) {
      ++report.skipped[std::string(why)];
      continue;
    }
    Entry e{to_utf16(f.soul + '\x1b' + f.key), "{\":\":"};
    append_lexical_form(e.leaf, f.value);
    e.leaf += ",\">\":";
    append_number(e.leaf, f.state);
    e.leaf += '}';
    entries.push_back(std::move(e));
  }
  fields.clear();
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const Entry& a, const Entry& b) {
                              return a.key == b.key;
                            }),
                entries.end());

  // Consecutive runs of at most max_file_bytes of text each (an upper
  // bound: a key's text counts whole, the tree shares prefixes), the first
  // named "!", each other after its first key.
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < entries.size()) {
    std::size_t end = start;
    std::size_t bytes = 2;
    while (end < entries.size()) {
      std::string key_text;
      append_json(key_text, entries[end].key);
      const std::size_t more = key_text.size() + entries[end].leaf.size() + 8;
      const bool full = end > start && bytes + more > options.max_file_bytes;
      if (full &&
          encode_name(utf8_of(entries[end].key)).size() <= kMaxNameBytes) {
        break;
      }
      bytes += more;
      ++end;
    }
    const std::string name = start == 0 ? "!" : utf8_of(entries[start].key);
    std::string text;
    append_tree(text, entries, start, end, 0);
    if (Status s = write_file(dir, name, text); !s) return s;
    names.push_back(name);
    ++report.files;
    report.fields += end - start;
    start = end;
  }
  if (names.empty()) {
    if (Status s = write_file(dir, "!", "{}"); !s) return s;
    names.push_back("!");
    ++report.files;
  }
  std::vector<Entry> listed;
  for (const std::string& name : names) listed.push_back({to_utf16(name), "1"});
  std::sort(listed.begin(), listed.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  std::string directory;
  append_tree(directory, listed, 0, listed.size(), 0);
  return write_file(dir, "\x1c", directory);
}

}  // namespace gunpp::rad
