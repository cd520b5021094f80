// Chain data from JSON (simdjson's DOM, which keeps members in text order)
// and snapshots to JSON.
#include "gunpp/chain/json.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace gunpp {
namespace {

namespace dom = simdjson::dom;

Result<Data> data_of(dom::element element, int depth);

Result<Data> object_of(dom::object object, int depth) {
  if (object.size() == 1) {
    const dom::key_value_pair only = *object.begin();
    std::string_view soul;
    if (only.key == "#" &&
        only.value.get_string().get(soul) == simdjson::SUCCESS &&
        !soul.empty()) {
      return Data(Value(Link(std::string(soul))));
    }
  }
  if (depth >= kMaxDataDepth) {
    return Status::invalid_argument("objects nest deeper than " +
                                    std::to_string(kMaxDataDepth));
  }
  Data::Members members;
  members.reserve(object.size());
  for (const dom::key_value_pair member : object) {
    Result<Data> d = data_of(member.value, depth + 1);
    if (!d) {
      return Status::invalid_argument("member \"" + std::string(member.key) +
                                      "\": " + d.status().message());
    }
    members.emplace_back(std::string(member.key), std::move(*d));
  }
  return Data::object(std::move(members));
}

Result<Data> data_of(dom::element element, int depth) {
  switch (element.type()) {
    case dom::element_type::NULL_VALUE:
      return Data(nullptr);
    case dom::element_type::BOOL:
      return Data(element.get_bool().value_unsafe());
    case dom::element_type::INT64:
      return Data(static_cast<double>(element.get_int64().value_unsafe()));
    case dom::element_type::UINT64:
      return Data(static_cast<double>(element.get_uint64().value_unsafe()));
    case dom::element_type::DOUBLE:
      return Data(element.get_double().value_unsafe());
    case dom::element_type::STRING:
      return Data(std::string(element.get_string().value_unsafe()));
    case dom::element_type::OBJECT:
      return object_of(element.get_object().value_unsafe(), depth);
    case dom::element_type::ARRAY:
      break;
  }
  return Status::invalid_argument(
      "arrays are not GUN data (GUN keeps objects, strings, numbers, "
      "booleans, null and links)");
}

}  // namespace

Result<Data> data_from_json(std::string_view json) {
  if (json.empty()) return Status::invalid_argument("not GUN data: no text");
  dom::parser parser;
  dom::element root;
  const simdjson::padded_string text(json);
  if (const simdjson::error_code e = parser.parse(text).get(root);
      e != simdjson::SUCCESS) {
    return Status::invalid_argument(std::string("not GUN data: ") +
                                    simdjson::error_message(e));
  }
  return data_of(root, 0);
}

void write_snapshot(JsonWriter& json, const Snapshot& s) {
  if (!s.found) {
    json.null();
    return;
  }
  if (!s.soul) {
    json.value(s.value);
    return;
  }
  json.begin_object();
  for (const auto& [key, value] : s.fields) {
    json.key(key);
    const auto linked = std::find_if(
        s.linked.begin(), s.linked.end(),
        [&key = key](const auto& kid) { return kid.first == key; });
    if (linked != s.linked.end()) {
      write_snapshot(json, linked->second);
    } else {
      json.value(value);
    }
  }
  json.end_object();
}

}  // namespace gunpp
