// KeyRange: a LEX query over the keys of one node, as GUN's storage answers
// a get whose "." is an object.
//
// Thread safety: a plain value type.
#ifndef GUNPP_KEY_RANGE_HPP_
#define GUNPP_KEY_RANGE_HPP_

#include <optional>
#include <string>
#include <string_view>

namespace gunpp {

// A key matches when it equals `exact` ("="), when given; starts with
// `prefix` ("*"); and lies within [from, to] (">" and "<", both inclusive,
// in JavaScript's UTF-16 order), each bound when given. The empty range
// matches every key. matches() requires every string of the range, and the
// key, to be UTF-8 (GraphStore::read refuses a range that is not).
struct KeyRange {
  std::optional<std::string> exact;
  std::string prefix;
  std::optional<std::string> from;
  std::optional<std::string> to;

  bool matches(std::string_view key) const;

  friend bool operator==(const KeyRange&, const KeyRange&) = default;
};

}  // namespace gunpp

#endif  // GUNPP_KEY_RANGE_HPP_
