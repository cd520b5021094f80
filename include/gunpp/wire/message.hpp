// GUN wire messages, and decoding a frame of JSON text into them. See
// docs/wire.md for the format as implemented.
//
// A frame is one JSON text: a message object, or an array of messages. A
// message may carry a put (a graph of nodes with "_" metadata), a get
// (a soul and optionally a key), and the ack fields "@", "ok" and "err".
//
// The decoder streams the text, so no JSON document tree is built, and
// validates every put whole with GraphBuilder (graph_builder.hpp): a message
// whose graph has any invalid part carries an error and no graph, so nothing
// of it can be applied.
//
// Thread safety: pure functions; safe from any thread.
#ifndef GUNPP_WIRE_MESSAGE_HPP_
#define GUNPP_WIRE_MESSAGE_HPP_

#include <chrono>
#include <cstddef>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/graph.hpp"
#include "gunpp/key_range.hpp"
#include "gunpp/status.hpp"

namespace gunpp {

// How many recently seen message ids a peer remembers, and for how long,
// so that a message reaching it twice (through two relays) is handled once.
struct DedupOptions {
  std::size_t max_ids = 999;  // GUN.js's default
  std::chrono::milliseconds max_age{9000};  // GUN.js's default
};

struct WireLimits {
  // Longest frame accepted, in bytes: the one bound on a frame, for the
  // decoder and for the WebSocket transport, which closes a connection
  // whose frame is longer (MeshOptions::protocol.limits). 64 MiB holds a
  // put of about 1.5 million fields.
  std::size_t max_frame_bytes = 64 * 1024 * 1024;
  // Most messages in one array frame.
  std::size_t max_messages_per_frame = 100000;
};

// A get request: `{"#": soul, ".": key}`.
struct GetRequest {
  std::string soul;
  std::optional<std::string> key;  // "." when it is a non-empty string
  // "." when it is an object (a LEX query): its string members "=", "*",
  // ">" and "<"; others are ignored.
  std::optional<KeyRange> lex;
  // "%" when a number >= 1 (GUN's byte budget for a LEX reply), else 0.
  std::size_t byte_budget = 0;
};

struct Message {
  std::string id;        // "#", empty when absent or not a string
  std::string reply_to;  // "@", empty when absent
  std::string dam;       // "dam": a hop-local mesh message ("?", "hi", ...)
  std::string pid;       // "pid" of a "dam" hello
  std::string via;       // "><": the peers the sender already sent it to
  std::optional<double> hash;  // "##": GUN's hash of a reply's put
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
  // Where the message stands in its frame: the index of its element in an
  // array frame (0 in an object frame), and whether that element is a string
  // holding the message. See frame_elements().
  std::size_t element = 0;
  bool in_string = false;
};

struct DecodedFrame {
  std::vector<Message> messages;
  // Array elements that were not messages (scalars other than strings that
  // hold a message, nested arrays); GUN.js ignores them too.
  std::size_t skipped = 0;
};

// Bytes past a frame's end that PaddedFrame promises are readable.
inline constexpr std::size_t kFramePadding = 64;

// A frame's text in a buffer that stays readable for at least kFramePadding
// bytes past the text's end. What those bytes hold does not matter; they
// are read, never written, and change nothing that is decoded. The decoder
// then parses the text where it lies. A plain string_view is first copied
// into a padded buffer of the decoder's own: for a frame of megabytes, that
// copy and the fresh memory it fills cost about a tenth of decoding it. The
// caller keeps the buffer alive for the call.
struct PaddedFrame {
  std::string_view text;
};

// Decodes one frame. Leading and trailing whitespace is allowed. An array
// element that is a string beginning with '{' is decoded as a message, as
// GUN.js does. A number out of double range (1e999, which JSON.parse reads as
// Infinity) fails only the message that holds it, and is a skipped element
// elsewhere in an array frame.
// Errors: InvalidArgument when the text is not JSON or is neither an object
// nor an array; ResourceExhausted when it is longer than max_frame_bytes or
// has more than max_messages_per_frame messages. Message-level problems are
// reported in Message::error instead.
// One frame with a parser of its own, freed on return: for occasional frames
// (an import, a test). A peer that decodes frame after frame keeps a
// FrameDecoder.
Result<DecodedFrame> decode_frame(std::string_view text,
                                  const WireLimits& limits = {});

// Decodes frames as decode_frame() does, keeping the parser's buffers from
// one frame to the next: they grow to the largest frame seen and are freed
// after a run of frames that need under a quarter of them.
// Decoded puts keep their fields in arrays from the memory resource given
// to the constructor (the default one otherwise), which must outlive them.
// Thread safety: one decoder per thread (or per connection); not shared.
class FrameDecoder {
 public:
  FrameDecoder();
  explicit FrameDecoder(std::pmr::memory_resource* fields);
  FrameDecoder(FrameDecoder&&) noexcept;
  FrameDecoder& operator=(FrameDecoder&&) noexcept;
  ~FrameDecoder();

  Result<DecodedFrame> decode(std::string_view text,
                              const WireLimits& limits = {});
  // The same, parsing the text in place.
  Result<DecodedFrame> decode(PaddedFrame frame, const WireLimits& limits = {});

 private:
  struct Parser;
  Result<DecodedFrame> decode_text(std::string_view text, bool padded,
                                   const WireLimits& limits);
  std::unique_ptr<Parser> parser_;
  std::pmr::memory_resource* fields_;
};

namespace detail {
// The same decoding on nlohmann_json, slower: decode_frame() parses with
// simdjson and hands this decoder the frames simdjson refuses. Exposed for
// the tests and the fuzzer, which check that both agree. Puts keep their
// fields in arrays from `fields`.
Result<DecodedFrame> decode_frame_reference(
    std::string_view text, const WireLimits& limits = {},
    std::pmr::memory_resource* fields = std::pmr::get_default_resource());
}  // namespace detail

// The JSON text of each element of a frame that decode_frame() accepted:
// the elements of an array frame, or the object of an object frame, as views
// into `text`, so that a relay can pass a message on byte for byte
// (Message::element indexes this). One linear scan; meaningless for text
// that decode_frame() refused.
std::vector<std::string_view> frame_elements(std::string_view text);

}  // namespace gunpp

#endif  // GUNPP_WIRE_MESSAGE_HPP_
