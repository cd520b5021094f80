// Integers past 64 bits in JSON text, which JSON.parse reads as doubles and
// simdjson refuses: the text made readable to simdjson, for the layers that
// parse what GUN.js wrote (SEA's envelopes, RAD's files).
#ifndef GUNPP_SRC_WIRE_BIG_INTEGERS_HPP_
#define GUNPP_SRC_WIRE_BIG_INTEGERS_HPP_

#include <string>
#include <string_view>

namespace gunpp::detail {

// `text` with ".0" after every integer of more than 19 digits outside
// strings: JSON.parse reads those as doubles, simdjson refuses them.
std::string widen_big_integers(std::string_view text);

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_WIRE_BIG_INTEGERS_HPP_
