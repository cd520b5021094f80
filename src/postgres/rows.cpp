#include "rows.hpp"

#include <bit>
#include <cmath>

#include "core/error_text.hpp"

namespace gunpp::pg {

StoredKind stored_kind(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return kNull;
    case Value::Kind::kBool:
      return kBool;
    case Value::Kind::kNumber:
      return kNumber;
    case Value::Kind::kString:
      return kString;
    case Value::Kind::kLink:
      return kLink;
  }
  return kNull;
}

std::optional<std::string_view> value_bytes(const Value& value,
                                            std::string& scratch) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return std::nullopt;
    case Value::Kind::kBool:
      return value.as_bool() ? std::string_view("\x01", 1)
                             : std::string_view("\x00", 1);
    case Value::Kind::kNumber:
      scratch.clear();
      append_float8(scratch, value.as_number());
      return std::string_view(scratch);
    case Value::Kind::kString:
      return value.as_string();
    case Value::Kind::kLink:
      return value.link_soul();
  }
  return std::nullopt;
}

void append_tie_key(std::string& out, const Value& value) {
  const std::size_t start = out.size();
  append_lexical_form(out, value);
  // Rewrites 4-byte sequences in place, from the back (each grows by one).
  std::size_t fours = 0;
  for (std::size_t i = start; i < out.size(); ++i) {
    if (static_cast<unsigned char>(out[i]) >= 0xF0) ++fours;
  }
  if (fours == 0) return;
  std::size_t read = out.size();
  out.resize(out.size() + fours);
  std::size_t write = out.size();
  while (read > start) {
    const auto c = static_cast<unsigned char>(out[--read]);
    if (c >= 0xF0) {
      out[--write] = static_cast<char>(0xA0 + (c - 0xF0));
      out[--write] = static_cast<char>(0xED);
    } else {
      out[--write] = static_cast<char>(c);
    }
  }
}

Status read_soul(const Result& result, int row, int column,
                 std::string_view where, std::string& soul) {
  soul = result.bytes(row, column);
  if (result.is_null(row, column) || soul.empty() || !is_valid_utf8(soul)) {
    return Status::corruption(std::string(where) +
                              ": a soul is not UTF-8 text");
  }
  return Status::ok();
}

Status read_field(const Result& result, int row, int first,
                  std::string_view where, std::string_view soul, Field& field) {
  field.key = result.bytes(row, first);
  auto bad = [&](std::string_view what) {
    return Status::corruption(
        std::string(where) + ": soul " + detail::quoted(soul) + " key " +
        detail::quoted(field.key) + ": " + std::string(what));
  };
  if (field.key.empty() || !is_valid_utf8(field.key)) {
    return bad("the key is not UTF-8 text");
  }
  const int v = first + 2;
  const bool null = result.is_null(row, v);
  const std::string_view bytes = result.bytes(row, v);
  switch (result.int2(row, first + 1)) {
    case kNull:
      if (!null) return bad("a null holds a value");
      field.value = nullptr;
      break;
    case kBool:
      if (null || bytes.size() != 1 ||
          static_cast<unsigned char>(bytes[0]) > 1) {
        return bad("a boolean is not 0 or 1");
      }
      field.value = bytes[0] == 1;
      break;
    case kNumber: {
      if (null || bytes.size() != 8) return bad("a number is not 8 bytes");
      const double n = result.float8(row, v);
      if (!std::isfinite(n)) return bad("a number is not finite");
      field.value = n;
      break;
    }
    case kString:
      if (null || !is_valid_utf8(bytes)) return bad("a string is not UTF-8");
      field.value = std::string(bytes);
      break;
    case kLink:
      if (null || bytes.empty() || !is_valid_utf8(bytes)) {
        return bad("a link's soul is not UTF-8 text");
      }
      field.value = Link(std::string(bytes));
      break;
    default:
      return bad("unknown value kind");
  }
  field.state = result.float8(row, first + 3);
  if (!std::isfinite(field.state)) return bad("the state is not finite");
  return Status::ok();
}

}  // namespace gunpp::pg
