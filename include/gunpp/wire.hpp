// GUN's JSON wire format: decoding frames into typed messages, and encoding
// graphs and replies. See docs/wire.md for the format as implemented.
//
// A frame is one JSON text: a message object, or an array of messages. A
// message may carry a put (a graph of nodes with "_" metadata), a get
// (a soul and optionally a key), and the ack fields "@", "ok" and "err".
//
// The decoder streams the text (nlohmann_json's SAX interface), so no JSON
// document tree is built, and validates every put whole: a message whose
// graph has any invalid part carries an error and no graph, so nothing of it
// can be applied. Errors name soul and key and use GUN's categories: no node,
// no meta, soul not same, no state, bad value; plus "state is not a finite
// number", where GUN.js accepts odd states.
//
// Thread safety: pure functions; safe from any thread.
#ifndef GUNPP_WIRE_HPP_
#define GUNPP_WIRE_HPP_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/graph.hpp"
#include "gunpp/node.hpp"
#include "gunpp/status.hpp"

namespace gunpp {

class GraphStore;

struct WireLimits {
  // Longest frame accepted, in bytes.
  std::size_t max_frame_bytes = 256 * 1024 * 1024;
  // Most messages in one array frame.
  std::size_t max_messages_per_frame = 100000;
};

// A get request: `{"#": soul, ".": key}`.
struct GetRequest {
  std::string soul;
  std::optional<std::string> key;  // "." when it is a non-empty string
  bool lex = false;                // "." is an object (a LEX query)
};

struct Message {
  std::string id;        // "#", empty when absent or not a string
  std::string reply_to;  // "@", empty when absent
  // The graph of a valid put. Absent when the message has no put, when the
  // put is invalid (see `error`), and for GUN's internal single-field form
  // {"#","."...}, which GUN.js also ignores.
  std::optional<Graph> put;
  bool has_put = false;  // the message had a truthy "put"
  std::optional<GetRequest> get;
  std::optional<std::string> err;  // "err" of an ack, when a string
  bool ok = false;                 // "ok" is present and truthy
  // Why the put is invalid; OK otherwise.
  Status error;
};

struct DecodedFrame {
  std::vector<Message> messages;
  // Array elements that were not messages (scalars other than strings that
  // hold a message, nested arrays); GUN.js ignores them too.
  std::size_t skipped = 0;
};

// Decodes one frame. Leading and trailing whitespace is allowed. An array
// element that is a string beginning with '{' is decoded as a message, as
// GUN.js does.
// Errors: InvalidArgument when the text is not JSON or is neither an object
// nor an array; ResourceExhausted when it is longer than max_frame_bytes or
// has more than max_messages_per_frame messages. Message-level problems are
// reported in Message::error instead.
Result<DecodedFrame> decode_frame(std::string_view text,
                                  const WireLimits& limits = {});

// Appends `{"_":{"#":soul,">":{key:state...}},key:value...}` for the given
// slots of `node`, in that order.
void append_node_json(std::string& out, std::string_view soul, const Node& node,
                      const std::vector<std::size_t>& slots);

// The whole store as canonical graph JSON: souls sorted, and in each node
// "_" first and the keys sorted (both in JavaScript's UTF-16 order); numbers
// formatted as JavaScript formats them.
std::string encode_graph(const GraphStore& store);

}  // namespace gunpp

#endif  // GUNPP_WIRE_HPP_
