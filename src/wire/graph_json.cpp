// Encoding graphs as GUN wire JSON.
#include "gunpp/wire/graph_json.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hashed_node_writer.hpp"

namespace gunpp {

namespace {

// Lays out `{"_":{"#":soul,">":{...}},...}` for `n` fields: meta(i) writes
// the member of field i in ">", field(i) its member in the node.
template <class Meta, class Field>
void lay_out_node(JsonWriter& json, std::string_view soul, std::size_t n,
                  const Meta& meta, const Field& field) {
  json.begin_object().key("_").begin_object().key("#").string(soul);
  json.key(">").begin_object();
  for (std::size_t i = 0; i < n; ++i) meta(i);
  json.end_object().end_object();
  for (std::size_t i = 0; i < n; ++i) field(i);
  json.end_object();
}

}  // namespace

void write_node(JsonWriter& json, std::string_view soul, const Node& node,
                std::span<const std::size_t> slots,
                const std::function<void()>& drain) {
  std::size_t written = 0;
  const auto wrote_key = [&written, &drain] {
    if (++written % kDrainFields == 0 && drain) drain();
  };
  lay_out_node(
      json, soul, slots.size(),
      [&](std::size_t i) {
        json.key(node.key(slots[i])).number(node.state(slots[i]));
        wrote_key();
      },
      [&](std::size_t i) {
        json.key(node.key(slots[i])).value(node.value(slots[i]));
        wrote_key();
      });
}

void write_graph(JsonWriter& json, const Graph& graph) {
  json.begin_object();
  for (const NodeDelta& node : graph.nodes()) {
    json.key(node.soul).begin_object().key("_").begin_object();
    json.key("#").string(node.soul).key(">").begin_object();
    for (const Field& field : node.fields) {
      json.key(field.key).number(field.state);
    }
    json.end_object().end_object();
    for (const Field& field : node.fields) {
      json.key(field.key).value(field.value);
    }
    json.end_object();
  }
  json.end_object();
}

namespace {

// Below this many keys a comparison sort is as fast as the radix sort's
// sixteen histograms.
constexpr std::size_t kRadixSortMin = 256;

// A key JavaScript treats as an array index: "0" or digits without a leading
// zero, below 2^32 - 1.
bool is_array_index(std::string_view key) {
  if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) {
    return false;
  }
  std::uint64_t value = 0;
  for (const char c : key) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value < 4294967295u;
}

// The order in which JSON.stringify writes the keys of an object built by
// inserting them sorted: array indices first, by value, then the rest in
// UTF-16 order. `a_index` and `b_index` say whether each is an array index.
bool js_key_less(std::string_view a, bool a_index, std::string_view b,
                 bool b_index) {
  if (a_index != b_index) return a_index;
  if (a_index) return a.size() != b.size() ? a.size() < b.size() : a < b;
  return utf16_compare(a, b) < 0;
}

// GUN.js's String.hash (gun_hash()), folded over text that comes in pieces,
// each made of whole UTF-8 characters.
class GunHasher {
 public:
  GunHasher& add(std::string_view text) {
    std::uint32_t h = h_;
    const auto unit = [&h](std::uint32_t u) { h = h * 31 + u; };
    for (std::size_t i = 0; i < text.size();) {
      std::uint32_t four;
      if (i + 4 <= text.size() &&
          (std::memcpy(&four, text.data() + i, 4), (four & 0x80808080u) == 0)) {
        // Four ASCII bytes at once: h * 31^4 + c0 * 31^3 + c1 * 31^2 + ...,
        // a shorter chain of dependent multiplies than four steps.
        const auto c = [&text, i](std::size_t k) {
          return static_cast<std::uint32_t>(
              static_cast<unsigned char>(text[i + k]));
        };
        h = h * 923521u + c(0) * 29791u + c(1) * 961u + c(2) * 31u + c(3);
        i += 4;
        continue;
      }
      const auto lead = static_cast<unsigned char>(text[i]);
      const std::size_t length = lead >= 0xF0   ? 4
                                 : lead >= 0xE0 ? 3
                                 : lead >= 0xC0 ? 2
                                                : 1;
      std::uint32_t cp = length == 1 ? lead : lead & (0x7Fu >> length);
      for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
      }
      i += length;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        unit(0xD800 + (cp >> 10));
        unit(0xDC00 + (cp & 0x3FF));
      } else {
        unit(cp);
      }
    }
    h_ = h;
    return *this;
  }
  std::int32_t value() const { return static_cast<std::int32_t>(h_); }

 private:
  std::uint32_t h_ = 0;
};

// The JSON of each field of a reply chunk, encoded once: its key (a JSON
// string), state and value back to back in one text. A HashedNodeWriter
// keeps one from chunk to chunk: a get of a large node encodes one chunk of
// a few fields at a time. Scratch grown past kScratchKeepBytes by a large
// chunk is freed after use.
constexpr std::size_t kScratchKeepBytes = 64 * 1024;
class ChunkPieces {
 public:
  void encode(const Node& node, std::span<const std::size_t> slots) {
    text_.clear();
    ends_.clear();
    for (const std::size_t slot : slots) {
      append_json_string(text_, node.key(slot));
      ends_.push_back(text_.size());
      append_number(text_, node.state(slot));
      ends_.push_back(text_.size());
      append_lexical_form(text_, node.value(slot));
      ends_.push_back(text_.size());
    }
  }
  // Of the i-th slot encoded.
  std::string_view key(std::size_t i) const { return piece(3 * i); }
  std::string_view state(std::size_t i) const { return piece(3 * i + 1); }
  std::string_view value(std::size_t i) const { return piece(3 * i + 2); }

  // The hash of the put {soul: node} holding the encoded slots of `node`,
  // laid out as GUN.js writes it for hashing (see put_hash()).
  std::int32_t hash(std::string_view soul, const Node& node,
                    std::span<const std::size_t> slots);

  void trim() {
    for (std::string* text : {&text_, &soul_json_}) {
      if (text->capacity() > kScratchKeepBytes) std::string().swap(*text);
    }
    if (ends_.capacity() * sizeof(ends_[0]) > kScratchKeepBytes) {
      decltype(ends_)().swap(ends_);
    }
    if (sorted_.capacity() * sizeof(sorted_[0]) > kScratchKeepBytes) {
      decltype(sorted_)().swap(sorted_);
    }
  }

 private:
  std::string_view piece(std::size_t p) const {
    const std::size_t begin = p == 0 ? 0 : ends_[p - 1];
    return std::string_view(text_).substr(begin, ends_[p] - begin);
  }

  std::string text_;
  std::vector<std::size_t> ends_;                     // 3 per slot
  std::vector<std::pair<bool, std::size_t>> sorted_;  // {array index?, i}
  std::string soul_json_;                             // the soul, encoded
};

// A key's first 16 bytes as two big-endian integers (zero-padded), held
// next to its position: comparing heads orders keys by bytes, up to ties.
struct Prefixed {
  std::uint64_t head[2];
  std::size_t at;
};

// Byte `b` (0 = first) of a head.
unsigned head_byte(const Prefixed& p, std::size_t b) {
  return static_cast<unsigned>(p.head[b / 8] >> (8 * (7 - b % 8))) & 0xFFu;
}

// Sorts by head: least significant byte first, one stable counting pass per
// byte position, skipping the positions where every key has the same byte
// (a shared prefix, or the padding of short keys). `spare` is scratch room.
void radix_sort_heads(std::vector<Prefixed>& items,
                      std::vector<Prefixed>& spare) {
  constexpr std::size_t kBytes = 16;
  std::vector<std::array<std::size_t, 256>> counts(kBytes);
  for (auto& c : counts) c.fill(0);
  for (const Prefixed& p : items) {
    for (std::size_t b = 0; b < kBytes; ++b) ++counts[b][head_byte(p, b)];
  }
  spare.resize(items.size());
  for (std::size_t b = kBytes; b-- > 0;) {
    std::array<std::size_t, 256>& count = counts[b];
    if (count[head_byte(items.front(), b)] == items.size()) continue;
    std::size_t next = 0;
    for (std::size_t& c : count) next += std::exchange(c, next);
    for (const Prefixed& p : items) spare[count[head_byte(p, b)]++] = p;
    items.swap(spare);
  }
}

// Scratch of utf16_order(), reused from one node to the next.
struct OrderScratch {
  std::vector<Prefixed> prefixed;
  std::vector<Prefixed> spare;
};

// Fills `order` with the positions 0..n-1 in UTF-16 order of their keys,
// key_at(position). UTF-8 bytes order strings by code point, which is UTF-16
// order unless they hold characters from U+E000 up (lead bytes 0xEE and
// above). Without those, the keys are sorted by their heads and the keys
// themselves are read only to break ties between equal heads: a node's keys
// are scattered over its columns, and chasing them is what a comparison sort
// of a million keys spends its time on. With those, it compares in UTF-16.
template <class KeyAt>
void utf16_order(std::size_t n, const KeyAt& key_at, OrderScratch& scratch,
                 std::vector<std::size_t>& order) {
  order.resize(n);
  bool bytes_order = true;
  for (std::size_t i = 0; i < n; ++i) {
    for (const char c : key_at(i)) {
      bytes_order &= static_cast<unsigned char>(c) < 0xEE;
    }
  }
  if (!bytes_order) {
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&key_at](std::size_t a, std::size_t b) {
                return utf16_compare(key_at(a), key_at(b)) < 0;
              });
    return;
  }
  std::vector<Prefixed>& prefixed = scratch.prefixed;
  prefixed.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view key = key_at(i);
    Prefixed& p = prefixed[i];
    p.at = i;
    for (std::size_t w = 0; w < 2; ++w) {
      p.head[w] = 0;
      for (std::size_t b = 8 * w; b < 8 * w + 8; ++b) {
        const unsigned char c =
            b < key.size() ? static_cast<unsigned char>(key[b]) : 0;
        p.head[w] = (p.head[w] << 8) | c;
      }
    }
  }
  const auto same_head = [](const Prefixed& a, const Prefixed& b) {
    return a.head[0] == b.head[0] && a.head[1] == b.head[1];
  };
  if (n >= kRadixSortMin) {
    radix_sort_heads(prefixed, scratch.spare);
  } else {
    std::sort(prefixed.begin(), prefixed.end(),
              [](const Prefixed& a, const Prefixed& b) {
                return a.head[0] != b.head[0] ? a.head[0] < b.head[0]
                                              : a.head[1] < b.head[1];
              });
  }
  for (auto run = prefixed.begin(); run != prefixed.end();) {
    const auto end =
        std::find_if_not(run, prefixed.end(),
                         [&](const Prefixed& p) { return same_head(p, *run); });
    if (end - run > 1) {
      std::sort(run, end, [&key_at](const Prefixed& a, const Prefixed& b) {
        return key_at(a.at) < key_at(b.at);
      });
    }
    run = end;
  }
  for (std::size_t i = 0; i < n; ++i) order[i] = prefixed[i].at;
}

// write_canonical_node() with the caller's scratch.
void write_canonical_node(JsonWriter& json, std::string_view soul,
                          const Node& node, const std::function<void()>& drain,
                          OrderScratch& scratch,
                          std::vector<std::size_t>& order) {
  utf16_order(
      node.size(),
      [&node](std::size_t slot) { return std::string_view(node.key(slot)); },
      scratch, order);
  write_node(json, soul, node, order, drain);
}

std::int32_t ChunkPieces::hash(std::string_view soul, const Node& node,
                               std::span<const std::size_t> slots) {
  sorted_.clear();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    sorted_.emplace_back(is_array_index(node.key(slots[i])), i);
  }
  std::sort(sorted_.begin(), sorted_.end(), [&](const auto& a, const auto& b) {
    return js_key_less(node.key(slots[a.second]), a.first,
                       node.key(slots[b.second]), b.first);
  });
  // {soul:{members}}, "_" among the members in its place:
  // "_":{"#":soul,">":{key:state...}}.
  soul_json_.clear();
  append_json_string(soul_json_, soul);
  GunHasher h;
  h.add("{").add(soul_json_).add(":{");
  const char* comma = "";
  bool meta_written = false;
  const auto add_meta = [&] {
    h.add(comma).add(R"("_":{"#":)").add(soul_json_).add(R"(,">":{)");
    const char* inner = "";
    for (const auto& [index, i] : sorted_) {
      h.add(inner).add(key(i)).add(":").add(state(i));
      inner = ",";
    }
    h.add("}}");
    comma = ",";
    meta_written = true;
  };
  for (const auto& [index, i] : sorted_) {
    if (!meta_written && js_key_less("_", false, node.key(slots[i]), index)) {
      add_meta();
    }
    h.add(comma).add(key(i)).add(":").add(value(i));
    comma = ",";
  }
  if (!meta_written) add_meta();
  return h.add("}}").value();
}

}  // namespace

std::int32_t detail::put_hash(std::string_view soul, const Node& node,
                              std::span<const std::size_t> slots) {
  ChunkPieces pieces;
  pieces.encode(node, slots);
  return pieces.hash(soul, node, slots);
}

struct detail::HashedNodeWriter::Scratch {
  ChunkPieces pieces;
};

detail::HashedNodeWriter::HashedNodeWriter()
    : scratch_(std::make_unique<Scratch>()) {}
detail::HashedNodeWriter::~HashedNodeWriter() = default;

std::int32_t detail::HashedNodeWriter::write(
    std::string& node_json, std::string_view soul, const Node& node,
    std::span<const std::size_t> slots) {
  ChunkPieces& pieces = scratch_->pieces;
  pieces.encode(node, slots);
  const std::int32_t hash = pieces.hash(soul, node, slots);
  JsonWriter json(node_json);
  lay_out_node(
      json, soul, slots.size(),
      [&](std::size_t i) { json.member(pieces.key(i), pieces.state(i)); },
      [&](std::size_t i) { json.member(pieces.key(i), pieces.value(i)); });
  pieces.trim();
  return hash;
}

std::int32_t detail::gun_hash(std::string_view text) {
  return GunHasher().add(text).value();
}

void write_canonical_node(JsonWriter& json, std::string_view soul,
                          const Node& node,
                          const std::function<void()>& drain) {
  OrderScratch scratch;
  std::vector<std::size_t> order;
  write_canonical_node(json, soul, node, drain, scratch, order);
}

void write_canonical_graph(JsonWriter& json, const GraphStore& store,
                           const std::function<void()>& drain) {
  // Souls first: a node walked from storage lives only during its callback.
  // No turn runs within this call, so the nodes got below stay valid.
  std::vector<std::string> souls;
  souls.reserve(store.node_count());
  store.for_each_node([&souls](std::string_view soul, const Node&) {
    souls.emplace_back(soul);
  });
  OrderScratch scratch;
  std::vector<std::size_t> soul_order;
  utf16_order(
      souls.size(),
      [&souls](std::size_t i) { return std::string_view(souls[i]); }, scratch,
      soul_order);
  std::vector<std::size_t> key_order;
  json.begin_object();
  for (const std::size_t at : soul_order) {
    const std::string& soul = souls[at];
    const Node* node = store.get(soul);
    if (node == nullptr) continue;  // storage failed meanwhile
    json.key(soul);
    write_canonical_node(json, soul, *node, drain, scratch, key_order);
    if (drain) drain();
  }
  json.end_object();
}

std::string encode_graph(const GraphStore& store) {
  std::string out;
  JsonWriter json(out);
  write_canonical_graph(json, store);
  return out;
}

}  // namespace gunpp
