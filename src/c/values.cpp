// Strings, values, nodes and buffers across the C ABI: checked on the way
// in, copied into memory the caller frees on the way out.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "c_api.hpp"

namespace gunpp::c {
namespace {

// A node returned to the caller: the C struct, and the memory its pointers
// lead to.
struct OwnedNode : gunpp_node {
  std::vector<gunpp_field> items;
  std::string text;  // soul, keys and string values, one after another
};

}  // namespace

Result<std::string_view> view(gunpp_str s, std::string_view what) {
  if (s.data == nullptr) {
    if (s.size != 0) {
      return Status::invalid_argument(std::string(what) +
                                      ": NULL data with a size");
    }
    return std::string_view();
  }
  return std::string_view(s.data, s.size);
}

Result<std::string_view> required(gunpp_str s, std::string_view what) {
  Result<std::string_view> v = view(s, what);
  if (v && v->empty()) {
    return Status::invalid_argument(std::string(what) + " is empty");
  }
  return v;
}

Result<Value> value_of(const gunpp_value& v) {
  switch (v.kind) {
    case GUNPP_NULL:
      return Value();
    case GUNPP_BOOL:
      return Value(v.boolean != 0);
    case GUNPP_NUMBER:
      if (!std::isfinite(v.number)) {
        return Status::invalid_argument("a number value is not finite");
      }
      return Value(v.number);
    case GUNPP_STRING: {
      Result<std::string_view> text = view(v.text, "a string value");
      if (!text) return text.status();
      return Value(*text);
    }
    case GUNPP_LINK: {
      Result<std::string_view> soul = required(v.text, "a link's soul");
      if (!soul) return soul.status();
      return Value(Link(std::string(*soul)));
    }
    default:
      return Status::invalid_argument("a value of unknown kind " +
                                      std::to_string(v.kind));
  }
}

gunpp_str c_str(std::string_view s) { return gunpp_str{s.data(), s.size()}; }

gunpp_value c_value(const Value& v) {
  gunpp_value out{GUNPP_NULL, 0, 0.0, {nullptr, 0}};
  switch (v.kind()) {
    case Value::Kind::kNull:
      break;
    case Value::Kind::kBool:
      out.kind = GUNPP_BOOL;
      out.boolean = v.as_bool() ? 1 : 0;
      break;
    case Value::Kind::kNumber:
      out.kind = GUNPP_NUMBER;
      out.number = v.as_number();
      break;
    case Value::Kind::kString:
      out.kind = GUNPP_STRING;
      out.text = c_str(v.as_string());
      break;
    case Value::Kind::kLink:
      out.kind = GUNPP_LINK;
      out.text = c_str(v.link_soul());
      break;
  }
  return out;
}

Status copy_out(std::string_view text, gunpp_buf* out) {
  if (out == nullptr) return Status::invalid_argument("the buffer is NULL");
  auto* data = static_cast<char*>(std::malloc(text.size() + 1));
  if (data == nullptr) throw std::bad_alloc();
  if (!text.empty()) std::memcpy(data, text.data(), text.size());
  data[text.size()] = '\0';
  out->data = data;
  out->size = text.size();
  return Status::ok();
}

namespace {
gunpp_field field_at(const Node& node, std::size_t slot) {
  return gunpp_field{c_str(node.key(slot)), c_value(node.value(slot)),
                     node.state(slot)};
}
}  // namespace

std::vector<gunpp_field> borrowed_fields(const Node& node,
                                         std::span<const std::size_t> slots) {
  std::vector<gunpp_field> fields;
  fields.reserve(slots.size());
  for (const std::size_t slot : slots) fields.push_back(field_at(node, slot));
  return fields;
}

std::vector<gunpp_field> borrowed_fields(const Node& node) {
  std::vector<gunpp_field> fields;
  fields.reserve(node.size());
  for (std::size_t slot = 0; slot < node.size(); ++slot) {
    fields.push_back(field_at(node, slot));
  }
  return fields;
}

gunpp_node* owned_node(std::string_view soul,
                       const std::vector<gunpp_field>& fields) {
  auto node = std::make_unique<OwnedNode>();
  std::size_t bytes = soul.size();
  for (const gunpp_field& f : fields) bytes += f.key.size + f.value.text.size;
  node->text.reserve(bytes);  // no reallocation: the pointers below stay
  const auto keep = [&node](gunpp_str s) {
    const std::size_t at = node->text.size();
    node->text.append(s.data == nullptr ? "" : s.data, s.size);
    return gunpp_str{node->text.data() + at, s.size};
  };
  node->soul = keep(c_str(soul));
  node->items.reserve(fields.size());
  for (const gunpp_field& f : fields) {
    gunpp_field copy = f;
    copy.key = keep(f.key);
    if (f.value.kind == GUNPP_STRING || f.value.kind == GUNPP_LINK) {
      copy.value.text = keep(f.value.text);
    }
    node->items.push_back(copy);
  }
  node->fields = node->items.data();
  node->count = node->items.size();
  return node.release();
}

}  // namespace gunpp::c

extern "C" {

gunpp_str gunpp_cstr(const char* nul_terminated) {
  if (nul_terminated == nullptr) return gunpp_str{nullptr, 0};
  return gunpp_str{nul_terminated, std::strlen(nul_terminated)};
}

void gunpp_node_free(gunpp_node* node) {
  delete static_cast<gunpp::c::OwnedNode*>(node);
}

void gunpp_buf_free(gunpp_buf* buf) {
  if (buf == nullptr) return;
  std::free(buf->data);
  buf->data = nullptr;
  buf->size = 0;
}

}  // extern "C"
