#include "session.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "frame_reader.hpp"
#include "gunpp/wire/message.hpp"

namespace gunpp::net {

void log_line(const NetLog& log, const std::string& line) {
  // A log callback that throws loses its line, nothing else (scheduler.hpp).
  try {
    if (log) log(line);
  } catch (...) {
  }
}

namespace {

template <typename Stream>
class Session final : public Connection,
                      public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `on_closed` runs once when the connection ends, after the mesh has
  // forgotten the peer.
  Session(Stream stream, Mesh& mesh, const NetLog& log, std::string url,
          bool accepted, std::chrono::milliseconds idle_timeout,
          std::function<void()> on_closed)
      : ws_(std::move(stream)),
        keep_alive_(ws_.get_executor()),
        idle_timeout_(idle_timeout),
        mesh_(&mesh),
        log_(&log),
        url_(std::move(url)),
        accepted_(accepted),
        on_closed_(std::move(on_closed)),
        reader_(mesh.limits().max_frame_bytes) {}

  // Joins the mesh and starts reading.
  void start() {
    if constexpr (kFramed) {
      ws_.next_layer().on_error([weak = this->weak_from_this()](error_code ec) {
        if (auto self = weak.lock()) self->finish("write: " + ec.message());
      });
    }
    ws_.read_message_max(mesh_->limits().max_frame_bytes);
    ws_.text(true);
    beast::get_lowest_layer(ws_).expires_never();
    // Beast's closing handshake keeps its time limit; its idle timeout
    // would re-arm a timer on every read, so keep_alive() does that job.
    auto timeouts =
        websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.control_callback(
        [self = this](websocket::frame_type, beast::string_view) {
          self->heard_ = true;
        });
    PeerLink link;
    link.url = url_;
    link.accepted = accepted_;
    // The mesh calls this only while the session is its peer: finish()
    // removes it, and the server or client owning the session finishes it
    // before letting it go. A plain pointer keeps the call inline in the
    // mesh's peer entry, with no weak count to take per delivery; an
    // accepted ws:// connection's points at its frame stream, so that a
    // delivery goes from the peer entry to the socket in one step.
    if constexpr (kFramed) {
      link.send = [stream = &ws_.next_layer()](OutFrame&& frame) {
        return stream->send(std::move(frame));
      };
    } else {
      link.send = [self = this](OutFrame&& frame) {
        return self->enqueue(std::move(frame));
      };
    }
    link.close = [weak = this->weak_from_this()](std::string_view reason) {
      if (auto self = weak.lock()) self->finish(reason);
    };
    peer_ = mesh_->add_peer(std::move(link));
    read();
    if (idle_timeout_.count() > 0) keep_alive();
  }

  // Should a session ever go without being finished, it still leaves the
  // mesh, which holds a plain pointer to it.
  ~Session() override {
    if (!closed_) mesh_->remove_peer(peer_);
  }

  bool closed() const override { return closed_; }

  void detach() override {
    on_closed_ = nullptr;
    finish("shutting down");
  }

 private:
  void read() {
    if constexpr (kFramed) {
      wait_readable();
    } else {
      ws_.async_read(buffer_,
                     [self = this->shared_from_this()](
                         error_code ec, std::size_t) { self->on_read(ec); });
    }
  }

  // An accepted ws:// connection is read here, frame by frame
  // (frame_reader.hpp), rather than through Beast's read operations: a wait
  // until the socket has bytes, then as many as it holds. No operation is
  // allocated per message, and no read is tried before there is data.
  void wait_readable() {
    beast::get_lowest_layer(ws_).socket().async_wait(
        tcp::socket::wait_read, [self = this->shared_from_this()](
                                    error_code ec) { self->on_readable(ec); });
  }

  void on_readable(error_code ec) {
    if (closed_) return;
    std::size_t got = 0;
    if (!ec) {
      const std::size_t missing =
          wanted_ > buffer_.size() ? wanted_ - buffer_.size() : 0;
      // kFramePadding more room than is read: every message read stays
      // readable that far past its end, and is decoded where it lies.
      const std::size_t want = std::max(kReadBytes, missing);
      const auto room = buffer_.prepare(want + kFramePadding);
      got = beast::get_lowest_layer(ws_).socket().read_some(
          asio::buffer(room.data(), want), ec);
    }
    if (ec == asio::error::would_block) return wait_readable();
    if (ec) return finish("read: " + ec.message());
    buffer_.commit(got);
    on_frames();
  }

  // Handles the frames read so far, then reads on, unless an answer to a
  // ping or a close is being sent or the connection has ended.
  void on_frames() {
    using Kind = FrameReader::Kind;
    while (!closed_ && !paused_) {
      const auto data = buffer_.data();
      const FrameReader::Frame frame =
          reader_.next({static_cast<char*>(data.data()), data.size()});
      if (frame.kind == Kind::kNeedMore) {
        wanted_ = frame.needed;
        break;
      }
      if (frame.kind == Kind::kBad) {
        return finish("read: " + std::string(frame.payload));
      }
      heard_ = true;
      if (frame.kind == Kind::kText) {
        mesh_->receive(peer_, PaddedFrame{frame.payload});
      }
      if (frame.kind == Kind::kPing) answer(kPong, frame.payload);
      // The reply to a close repeats its status code.
      if (frame.kind == Kind::kClose)
        answer(kClose, frame.payload.substr(0, 2));
      buffer_.consume(frame.used);
    }
    if (buffer_.size() == 0 && buffer_.capacity() > kKeepReadBytes) {
      buffer_.shrink_to_fit();
    }
    if (!closed_ && !paused_) wait_readable();
  }

  // Sends a pong, or the reply that ends the closing handshake. Reading
  // waits until it is out, so that a peer that pings and reads nothing has
  // at most one answer queued (as with Beast's reads); after a close's
  // reply the connection ends.
  void answer(std::uint8_t opcode, std::string_view payload) {
    paused_ = true;
    ws_.next_layer().send_control(
        opcode, payload,
        [weak = this->weak_from_this(), opcode](error_code ec) {
          auto self = weak.lock();
          if (!self) return;
          // Possibly called from inside send_control(): handled later.
          asio::post(self->ws_.get_executor(), [self, ec, opcode] {
            if (self->closed_) return;
            if (ec) return self->finish("write: " + ec.message());
            if (opcode == kClose) return self->finish("closed by the peer");
            self->paused_ = false;
            self->on_frames();
          });
        });
  }

  void on_read(error_code ec) {
    if (closed_) return;
    if (ec) {
      finish(ec == websocket::error::closed ? "closed by the peer"
                                            : "read: " + ec.message());
      return;
    }
    heard_ = true;
    if (ws_.got_text()) {
      const auto data = buffer_.cdata();
      mesh_->receive(
          peer_,
          std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    buffer_.consume(buffer_.size());
    if (!closed_) read();
  }

  // Through Beast's writes, one frame at a time (not kFramed).
  std::size_t enqueue(OutFrame&& frame) {
    if (closed_) return 0;
    queued_bytes_ += frame.size();
    queue_.push_back(std::move(frame));
    if (!writing_) write_next();
    return queued_bytes_;
  }

  // The front frame goes out as one message. A frame of a few pieces (a
  // message alone) is written from them in one gathered write, so a
  // message fanned out to many peers is not copied per peer; a batch of
  // many small messages is joined into the session's scratch buffer first,
  // since walking a long buffer sequence costs more than copying it.
  void write_next() {
    if (queue_.empty() || closed_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    buffers_.clear();
    const auto pieces = queue_.front().pieces();
    if (pieces.size() <= kGatheredPieces) {
      for (const OutFrame::Piece& piece : pieces) {
        buffers_.emplace_back(piece->data(), piece->size());
      }
    } else {
      joined_.clear();
      for (const OutFrame::Piece& piece : pieces) joined_ += *piece;
      buffers_.emplace_back(joined_.data(), joined_.size());
    }
    ws_.async_write(buffers_, [self = this->shared_from_this()](error_code ec,
                                                                std::size_t) {
      if (self->closed_) return;
      if (ec) return self->finish("write: " + ec.message());
      self->queued_bytes_ -= self->queue_.front().size();
      self->queue_.pop_front();
      self->write_next();
    });
  }

  // Every half idle timeout: a peer heard from since the last check is
  // fine; one not heard from is pinged (its pong is heard); one that stayed
  // silent after the ping is closed. Costs nothing per message but the
  // flag.
  void keep_alive() {
    keep_alive_.expires_after(idle_timeout_ / 2);
    keep_alive_.async_wait([weak = this->weak_from_this()](error_code ec) {
      auto self = weak.lock();
      if (ec || !self || self->closed_) return;
      if (self->heard_) {
        self->heard_ = false;
        self->pinged_ = false;
      } else if (!self->pinged_) {
        self->pinged_ = true;
        self->ws_.async_ping({}, [](error_code) {});
      } else {
        return self->finish("no answer to a ping");
      }
      self->keep_alive();
    });
  }

  void finish(std::string_view reason) {
    if (closed_) return;
    closed_ = true;
    keep_alive_.cancel();
    mesh_->remove_peer(peer_);
    log_line(*log_, "connection " +
                        (url_.empty() ? "from a peer" : "to " + url_) +
                        " closed: " + std::string(reason));
    error_code ignored;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    if constexpr (kFramed) ws_.next_layer().discard();
    queue_.clear();
    queued_bytes_ = 0;
    if (on_closed_) std::exchange(on_closed_, nullptr)();
  }

  // The stream frames and sends the mesh's messages itself; otherwise they
  // are written through Beast, one at a time from queue_.
  static constexpr bool kFramed = std::is_same_v<Stream, AcceptedWsStream>;
  static constexpr std::uint8_t kClose = 0x8;
  static constexpr std::uint8_t kPong = 0xA;
  // Room for this much at least per read: many small messages, or the
  // start of a big one whose header then says how much more to make room
  // for. The buffer is given back once empty if a big frame grew it past
  // kKeepReadBytes, so that a connection keeps a few KiB between messages.
  static constexpr std::size_t kReadBytes = 4 * 1024;
  static constexpr std::size_t kKeepReadBytes = 16 * 1024;

  // First, next to the shared pointer's counts: a delivery reads both.
  bool closed_ = false;
  Stream ws_;
  asio::steady_timer keep_alive_;
  std::chrono::milliseconds idle_timeout_;
  bool heard_ = false;   // since the last keep_alive() check
  bool pinged_ = false;  // and not heard from since
  Mesh* mesh_;
  const NetLog* log_;
  std::string url_;
  bool accepted_;
  std::function<void()> on_closed_;
  beast::flat_buffer buffer_;
  static constexpr std::size_t kGatheredPieces = 3;

  std::deque<OutFrame> queue_;
  std::vector<asio::const_buffer> buffers_;  // the front frame's, in writing
  std::string joined_;  // the front frame's text, when it has many pieces
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  PeerId peer_ = 0;
  // An accepted ws:// connection's reading (kFramed).
  FrameReader reader_;
  std::size_t wanted_ = 0;  // bytes the frame being read needs in all
  bool paused_ = false;     // until an answer to a ping or close is out
};

template <typename Stream>
std::shared_ptr<Connection> start(Stream stream, Mesh& mesh, const NetLog& log,
                                  std::string url, bool accepted,
                                  std::chrono::milliseconds idle_timeout,
                                  std::function<void()> on_closed) {
  auto session = std::make_shared<Session<Stream>>(
      std::move(stream), mesh, log, std::move(url), accepted, idle_timeout,
      std::move(on_closed));
  session->start();
  return session;
}

}  // namespace

std::shared_ptr<Connection> start_session(
    WsStream stream, Mesh& mesh, const NetLog& log, std::string url,
    bool accepted, std::chrono::milliseconds idle_timeout,
    std::function<void()> on_closed) {
  return start(std::move(stream), mesh, log, std::move(url), accepted,
               idle_timeout, std::move(on_closed));
}

std::shared_ptr<Connection> start_session(
    AcceptedWsStream stream, Mesh& mesh, const NetLog& log, std::string url,
    bool accepted, std::chrono::milliseconds idle_timeout,
    std::function<void()> on_closed) {
  return start(std::move(stream), mesh, log, std::move(url), accepted,
               idle_timeout, std::move(on_closed));
}

std::shared_ptr<Connection> start_session(
    TlsWsStream stream, Mesh& mesh, const NetLog& log, std::string url,
    bool accepted, std::chrono::milliseconds idle_timeout,
    std::function<void()> on_closed) {
  return start(std::move(stream), mesh, log, std::move(url), accepted,
               idle_timeout, std::move(on_closed));
}

}  // namespace gunpp::net
