// The byte stream under the WebSocket stream of a ws:// connection the
// server accepted. Beast reads the handshake through it as through plain
// TCP; the session then reads the peer's frames from the socket itself
// (frame_reader.hpp). All writing goes through one queue, drained by
// non-blocking gathered sends:
//  - the session's messages, framed here as unmasked text frames (a server
//    never masks, RFC 6455 section 5.1) and sent straight from their shared
//    pieces: no operation is allocated and no completion is posted per
//    message, which is where a relay's fan-out through Beast's writes spent
//    most of its user time (docs/network.md);
//  - control frames: the session's pongs and close replies, and Beast's
//    own bytes (the handshake's reply, keep-alive pings), each kept whole,
//    in order with the messages.
// Private to src/net/; used on the NetLoop's thread only.
#ifndef GUNPP_SRC_NET_FRAME_STREAM_HPP_
#define GUNPP_SRC_NET_FRAME_STREAM_HPP_

#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "beast.hpp"
#include "gunpp/mesh.hpp"

namespace gunpp::net {

class FrameStream {
 public:
  using executor_type = beast::tcp_stream::executor_type;

  // Puts the socket in non-blocking mode: the session's reads and this
  // stream's sends never wait inside a call.
  explicit FrameStream(beast::tcp_stream stream)
      : next_(std::move(stream)), fd_(next_.socket().native_handle()) {
    error_code ignored;
    next_.socket().non_blocking(true, ignored);
  }
  // Built in place under its WebSocket stream, and never moved: a wait for
  // the socket refers to it.
  FrameStream(const FrameStream&) = delete;
  FrameStream& operator=(const FrameStream&) = delete;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  beast::tcp_stream& next_layer() noexcept { return next_; }
  const beast::tcp_stream& next_layer() const noexcept { return next_; }

  // Where a failed send is reported: `on_error` is called once, from the
  // loop (never from inside send()), after which nothing more is sent.
  void on_error(std::function<void(error_code)> on_error) {
    on_error_ = std::move(on_error);
  }

  // Queues `frame` as one text message and sends all the socket takes now;
  // the rest goes out as the peer reads. Returns the bytes still unsent.
  // Nothing is queued once Beast has queued its close frame.
  std::size_t send(OutFrame&& frame);

  // Queues a control frame (`opcode` 0x8 close, 0x9 ping or 0xA pong, with
  // at most 125 bytes of payload) behind what is queued. `sent` is called
  // once it is sent, or with the error that stopped it; it may be called
  // from inside this call.
  void send_control(std::uint8_t opcode, std::string_view payload,
                    std::function<void(error_code)> sent);

  // Drops all that is unsent and sends nothing more: the connection is
  // closing. Beast's writes still queued complete with operation_aborted.
  // Call it when the socket is closed, before anything else is sent.
  void discard();

  template <typename Buffers, typename Handler>
  auto async_read_some(const Buffers& buffers, Handler&& handler) {
    return next_.async_read_some(buffers, std::forward<Handler>(handler));
  }

  // Beast's writes. The bytes join the queue whole, behind the messages
  // queued before them, and the write completes once they are sent: a peer
  // that does not read holds up Beast (and so its own reading), while the
  // queue holds at most one of Beast's writes.
  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const Buffers& bytes) {
          std::string copy(asio::buffer_size(bytes), '\0');
          asio::buffer_copy(asio::buffer(copy), bytes);
          const std::size_t size = copy.size();
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          queue_raw(std::move(copy), [ex = get_executor(), shared,
                                      size](error_code ec) {
            asio::post(ex, beast::bind_front_handler(std::move(*shared), ec,
                                                     ec ? 0 : size));
          });
        },
        token, buffers);
  }

 private:
  struct Entry {
    OutFrame frame;
    std::array<char, 10> header{};         // the WebSocket frame's header
    std::uint8_t header_size = 0;          // 0: Beast's bytes, already framed
    std::function<void(error_code)> sent;  // Beast's completion
    std::size_t size() const { return header_size + frame.size(); }
  };
  // Buffers one send takes at most (Asio's gathered-send limit).
  static constexpr std::size_t kMaxBuffers = 64;
  // Pieces of a frame sent straight from the stack (a message alone,
  // bracketed or not); one of more pieces is queued and gathered.
  static constexpr std::size_t kDirectPieces = 3;
  // A direct frame up to this size, header included, is copied into one
  // buffer on the stack: send(2) of one buffer costs the kernel less than
  // sendmsg(2) of several, more than copying a small frame costs.
  static constexpr std::size_t kCopyBytes = 512;

  void queue_raw(std::string bytes, std::function<void(error_code)> sent);
  void push(Entry entry);
  void flush();
  std::size_t write_now(const iovec* buffers, std::size_t count);
  std::size_t gather();
  void consume(std::size_t sent);
  void wait_writable();
  void fail(error_code ec);

  // What a delivery reads comes first, so that it touches one cache line
  // of the stream: the socket, the bytes queued (none: the queue is
  // empty), and whether it may send.
  beast::tcp_stream next_;
  // The socket's descriptor, kept here rather than read from the socket
  // (a line of its own per peer) for every send; -1 once discarded. The
  // socket is closed only by the session, which then discards the stream,
  // or by Beast's teardown below, which discards it first.
  int fd_;
  std::size_t queued_bytes_ = 0;
  bool waiting_ = false;  // for the socket to take more
  bool closing_ = false;  // Beast queued its close frame
  error_code failed_;
  std::deque<Entry> queue_;
  std::size_t offset_ = 0;      // bytes of the front entry already sent
  std::vector<iovec> buffers_;  // a gathered send's, reused
  std::function<void(error_code)> on_error_;
  // Expires with the stream: a wait that ends after it touches nothing.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

// Beast's closing handshake ends with tearing the stream down: that of the
// TCP stream underneath, once the queue has sent what it could.
template <typename Handler>
void async_teardown(beast::role_type role, FrameStream& stream,
                    Handler&& handler) {
  stream.discard();  // nothing is sent after a close frame
  websocket::async_teardown(role, stream.next_layer().socket(),
                            std::forward<Handler>(handler));
}

// An accepted ws:// connection's WebSocket stream.
using AcceptedWsStream = websocket::stream<FrameStream>;

}  // namespace gunpp::net

#endif  // GUNPP_SRC_NET_FRAME_STREAM_HPP_
