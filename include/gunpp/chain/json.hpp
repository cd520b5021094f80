// The chain API's data and snapshots as JSON, for hosts that speak JSON
// rather than C++ (gunpp agent, the C ABI and the languages on it).
//
//   Result<Data> d = data_from_json(R"({"name":"Alice","boss":{"#":"bob"}})");
//   gun.get("alice").put(std::move(*d));
//
// Thread safety: free functions; any thread.
#ifndef GUNPP_CHAIN_JSON_HPP_
#define GUNPP_CHAIN_JSON_HPP_

#include <string>
#include <string_view>

#include "gunpp/chain.hpp"
#include "gunpp/status.hpp"
#include "gunpp/wire/json_writer.hpp"

namespace gunpp {

// Objects nest at most this deep in data_from_json(): deeper ones would
// make souls longer than any peer takes.
inline constexpr int kMaxDataDepth = 32;

// The Data a JSON text stands for: a string, a finite number, a boolean or
// null as the value it is; {"#":soul} (one member, a non-empty string) as a
// link; any other object as an object whose members nest, in the text's
// order (the last of two members of one name wins). InvalidArgument, saying
// where, for text that is not JSON, an array, a number JSON.parse would not
// read as a finite double, invalid UTF-8, or objects nested deeper than
// kMaxDataDepth.
Result<Data> data_from_json(std::string_view json);

// Writes what a read found as JSON, as the next value of `json`: a primitive
// as itself (a link as {"#":soul}), a node as an object of its fields in
// slot order, a link that once() followed (Snapshot::linked) as the node it
// leads to; null when nothing was found.
void write_snapshot(JsonWriter& json, const Snapshot& snapshot);

}  // namespace gunpp

#endif  // GUNPP_CHAIN_JSON_HPP_
