// The WebSocket frame reader's fuzz property: any bytes as what a client
// sends a server, read whole or in pieces of any size.
#ifndef GUNPP_TESTS_FUZZ_WS_FRAMES_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_WS_FRAMES_PROPERTY_HPP_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/value.hpp"
#include "net/frame_reader.hpp"

namespace gunpp::testing {

// Small, so that fuzzed inputs reach "message too big".
inline constexpr std::size_t kWsFramesMaxMessage = 64;

// What a reader made of a byte stream: each frame's kind and payload, and
// how it stopped (waiting for more, or failing).
struct WsFramesRead {
  std::vector<std::string> frames;
  std::string end;
  std::string violation;  // an invariant broken on the way
};

// Reads `stream` with one reader, giving it `chunk` more bytes each time it
// needs more (all at once when `chunk` is 0).
inline WsFramesRead read_ws_frames(std::string_view stream, std::size_t chunk) {
  WsFramesRead out;
  net::FrameReader reader(kWsFramesMaxMessage);
  std::string buffer;
  std::size_t given = 0;
  const auto give_more = [&] {
    const std::size_t n = chunk == 0 ? stream.size() - given
                                     : std::min(chunk, stream.size() - given);
    buffer.append(stream.substr(given, n));
    given += n;
    return n > 0;
  };
  give_more();
  for (;;) {
    const net::FrameReader::Frame frame =
        reader.next(std::span<char>(buffer.data(), buffer.size()));
    using Kind = net::FrameReader::Kind;
    if (frame.kind == Kind::kNeedMore) {
      if (frame.needed <= buffer.size()) {
        out.violation = "asks for bytes it already has";
      }
      if (!out.violation.empty() || !give_more()) {
        out.end = "need more";
        return out;
      }
      continue;
    }
    if (frame.kind == Kind::kBad) {
      out.end = "bad: " + std::string(frame.payload);
      return out;
    }
    if (frame.used == 0 || frame.used > buffer.size()) {
      out.violation = "a frame that takes no bytes, or more than there are";
      return out;
    }
    if ((frame.kind == Kind::kText || frame.kind == Kind::kBinary) &&
        frame.payload.size() > kWsFramesMaxMessage) {
      out.violation = "a message over the limit";
    }
    if (frame.kind == Kind::kText && !is_valid_utf8(frame.payload)) {
      out.violation = "a text message that is not UTF-8";
    }
    if (frame.kind == Kind::kPartial && !frame.payload.empty()) {
      out.violation = "a fragment reported as a message";
    }
    out.frames.push_back(std::to_string(static_cast<int>(frame.kind)) + ":" +
                         std::string(frame.payload));
    buffer.erase(0, frame.used);
  }
}

// Empty when the property holds for `bytes`, else what broke. The first
// byte picks a piece size (1 to 16); the rest is the stream. Read in pieces
// of that size it gives the same frames, and ends the same way, as read
// whole; and no read breaks an invariant of read_ws_frames().
inline std::string ws_frames_property_violation(std::string_view bytes) {
  if (bytes.empty()) return {};
  const std::size_t chunk = 1 + static_cast<unsigned char>(bytes[0]) % 16;
  const std::string_view stream = bytes.substr(1);
  const WsFramesRead whole = read_ws_frames(stream, 0);
  const WsFramesRead pieces = read_ws_frames(stream, chunk);
  if (!whole.violation.empty()) return whole.violation;
  if (!pieces.violation.empty()) return pieces.violation;
  if (whole.frames != pieces.frames || whole.end != pieces.end) {
    return "read in pieces of " + std::to_string(chunk) +
           " it differs from read whole";
  }
  return {};
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_WS_FRAMES_PROPERTY_HPP_
