// Encoding graphs as GUN wire JSON.
#include "gunpp/graph_json.hpp"

#include <algorithm>
#include <utility>

namespace gunpp {

void write_node(JsonWriter& json, std::string_view soul, const Node& node,
                std::span<const std::size_t> slots) {
  json.begin_object().key("_").begin_object().key("#").string(soul);
  json.key(">").begin_object();
  for (const std::size_t slot : slots) {
    json.key(node.key(slot)).number(node.state(slot));
  }
  json.end_object().end_object();
  for (const std::size_t slot : slots) {
    json.key(node.key(slot)).value(node.value(slot));
  }
  json.end_object();
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
// UTF-16 order.
bool js_key_less(std::string_view a, std::string_view b) {
  const bool a_index = is_array_index(a);
  const bool b_index = is_array_index(b);
  if (a_index != b_index) return a_index;
  if (a_index) return a.size() != b.size() ? a.size() < b.size() : a < b;
  return utf16_compare(a, b) < 0;
}

// Sorts `items` by key_of(item) in UTF-16 order. UTF-8 bytes order strings
// by code point, which is UTF-16 order unless they hold characters from
// U+E000 up (lead bytes 0xEE and above): only then does the sort compare in
// UTF-16, which is several times slower.
template <typename T, typename KeyOf>
void sort_utf16(std::vector<T>& items, const KeyOf& key_of) {
  bool bytes_order = true;
  for (const T& item : items) {
    for (const char c : key_of(item)) {
      bytes_order &= static_cast<unsigned char>(c) < 0xEE;
    }
  }
  if (bytes_order) {
    std::sort(items.begin(), items.end(), [&key_of](const T& a, const T& b) {
      return key_of(a) < key_of(b);
    });
  } else {
    std::sort(items.begin(), items.end(), [&key_of](const T& a, const T& b) {
      return utf16_compare(key_of(a), key_of(b)) < 0;
    });
  }
}

}  // namespace

std::int32_t put_hash(std::string_view soul, const Node& node,
                      std::span<const std::size_t> slots) {
  std::vector<std::size_t> sorted(slots.begin(), slots.end());
  std::sort(sorted.begin(), sorted.end(),
            [&node](std::size_t a, std::size_t b) {
              return js_key_less(node.key(a), node.key(b));
            });
  std::string text;
  JsonWriter json(text);
  json.begin_object().key(soul).begin_object();
  bool meta_written = false;
  const auto write_meta = [&] {
    json.key("_").begin_object().key("#").string(soul).key(">").begin_object();
    for (const std::size_t slot : sorted) {
      json.key(node.key(slot)).number(node.state(slot));
    }
    json.end_object().end_object();
    meta_written = true;
  };
  for (const std::size_t slot : sorted) {
    if (!meta_written && js_key_less("_", node.key(slot))) write_meta();
    json.key(node.key(slot)).value(node.value(slot));
  }
  if (!meta_written) write_meta();
  json.end_object().end_object();
  return gun_hash(text);
}

std::int32_t gun_hash(std::string_view text) {
  std::uint32_t h = 0;
  const auto unit = [&h](std::uint32_t u) { h = h * 31 + u; };
  for (std::size_t i = 0; i < text.size();) {
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
  return static_cast<std::int32_t>(h);
}

void write_canonical_node(JsonWriter& json, std::string_view soul,
                          const Node& node) {
  // The keys are sorted as views next to their slots, not through the node.
  struct Keyed {
    std::string_view key;
    std::size_t slot;
  };
  std::vector<Keyed> keyed(node.size());
  for (std::size_t s = 0; s < keyed.size(); ++s) {
    keyed[s] = Keyed{node.key(s), s};
  }
  sort_utf16(keyed, [](const Keyed& k) { return k.key; });
  std::vector<std::size_t> slots(keyed.size());
  for (std::size_t i = 0; i < keyed.size(); ++i) slots[i] = keyed[i].slot;
  write_node(json, soul, node, slots);
}

void write_canonical_graph(JsonWriter& json, const GraphStore& store,
                           const std::function<void()>& after_node) {
  // Souls first: a node walked from storage lives only during its callback.
  // No turn runs within this call, so the nodes got below stay valid.
  std::vector<std::string> souls;
  souls.reserve(store.node_count());
  store.for_each_node([&souls](std::string_view soul, const Node&) {
    souls.emplace_back(soul);
  });
  sort_utf16(souls,
             [](const std::string& soul) -> std::string_view { return soul; });
  json.begin_object();
  for (const std::string& soul : souls) {
    const Node* node = store.get(soul);
    if (node == nullptr) continue;  // storage failed meanwhile
    json.key(soul);
    write_canonical_node(json, soul, *node);
    if (after_node) after_node();
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
