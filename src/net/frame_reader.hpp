// FrameReader: the WebSocket frames a client sends to a server (RFC 6455
// section 5), parsed from the bytes read off the socket and unmasked where
// they lie. A relay's accepted ws:// connections read through it instead of
// through Beast's read operations, whose layers cost more per message than
// the message's own decoding (docs/network.md). No I/O: the session reads,
// and answers pings and closes.
//
// Refused, as Beast refuses them: reserved bits (no extension is
// negotiated), unmasked frames, unknown opcodes, fragmented or long
// control frames, a continuation with no message to continue or a new
// message inside a fragmented one, a length with its top bit set, a message
// longer than the limit, and text that is not UTF-8.
//
// Private to src/net/; one per connection, on the NetLoop's thread.
#ifndef GUNPP_SRC_NET_FRAME_READER_HPP_
#define GUNPP_SRC_NET_FRAME_READER_HPP_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace gunpp::net {

class FrameReader {
 public:
  enum class Kind : std::uint8_t {
    kNeedMore,  // the frame is not all in yet
    kPartial,   // a fragment of a message, kept: nothing to do yet
    kText,      // a whole text message
    kBinary,    // a whole binary message
    kPing,
    kPong,
    kClose,
    kBad,  // the connection must be failed; `payload` says why
  };

  struct Frame {
    Kind kind = Kind::kNeedMore;
    // kText and kBinary: the message, unmasked; for an unfragmented one it
    // lies in the bytes given, else in the reader until the next call,
    // with kFramePadding readable bytes after it (a PaddedFrame).
    // kPing, kPong, kClose: the frame's payload. kBad: why.
    std::string_view payload;
    // Bytes of the input the frame took (none for kNeedMore and kBad).
    std::size_t used = 0;
    // kNeedMore: the bytes the frame needs in all, once its header is in
    // (its size so far before that).
    std::size_t needed = 0;
  };

  explicit FrameReader(std::size_t max_message_bytes)
      : max_message_bytes_(max_message_bytes) {}

  // The frame at the start of `bytes`, whose payload is unmasked in place
  // once it is all there.
  Frame next(std::span<char> bytes);

 private:
  std::size_t max_message_bytes_;
  std::string fragments_;  // of the message being assembled
  bool in_message_ = false;
  bool text_ = false;  // the message being assembled is text
};

}  // namespace gunpp::net

#endif  // GUNPP_SRC_NET_FRAME_READER_HPP_
