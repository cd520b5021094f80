#include "frame_stream.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace gunpp::net {

std::size_t FrameStream::send(OutFrame&& frame) {
  if (failed_ || closing_) return 0;
  std::array<char, 10> header{};
  const std::uint64_t size = frame.size();
  header[0] = static_cast<char>(0x81);  // FIN, text
  std::uint8_t header_size = 2;
  if (size < 126) {
    header[1] = static_cast<char>(size);
  } else if (size <= 0xFFFF) {
    header[1] = 126;
    header[2] = static_cast<char>(size >> 8);
    header[3] = static_cast<char>(size);
    header_size = 4;
  } else {
    header[1] = 127;
    for (int i = 0; i < 8; ++i) {
      header[2 + i] = static_cast<char>(size >> (56 - 8 * i));
    }
    header_size = 10;
  }
  if (queued_bytes_ > 0 || waiting_) {  // queued: none iff the queue is empty
    push(Entry{std::move(frame), header, header_size, {}});
    return queued_bytes_;
  }
  // The queue is empty: the frame goes out from here, in one send from the
  // stack (a small frame copied whole, a larger one gathered from its
  // pieces), and only what the socket does not take is queued. A relay's
  // fan-out allocates and moves nothing per peer.
  std::array<iovec, 1 + kDirectPieces> direct;
  std::array<char, kCopyBytes> copy;
  const auto pieces = frame.pieces();
  std::size_t count = 0;
  if (header_size + size <= kCopyBytes) {
    char* end = std::copy_n(header.data(), header_size, copy.data());
    for (const OutFrame::Piece& piece : pieces) {
      end = std::copy(piece->begin(), piece->end(), end);
    }
    direct[count++] = {copy.data(), header_size + size};
  } else if (pieces.size() <= kDirectPieces) {
    direct[count++] = {header.data(), header_size};
    for (const OutFrame::Piece& piece : pieces) {
      direct[count++] = {const_cast<char*>(piece->data()), piece->size()};
    }
  }
  std::size_t sent = 0;
  if (count > 0) {
    sent = write_now(direct.data(), count);
    if (failed_ || sent == header_size + size) return 0;
  }
  offset_ = sent;
  queued_bytes_ = header_size + size - sent;
  queue_.push_back(Entry{std::move(frame), header, header_size, {}});
  flush();
  return queued_bytes_;
}

void FrameStream::send_control(std::uint8_t opcode, std::string_view payload,
                               std::function<void(error_code)> sent) {
  std::string bytes;
  bytes.reserve(2 + payload.size());
  bytes += static_cast<char>(0x80 | opcode);  // FIN; a server never masks
  bytes += static_cast<char>(payload.size());
  bytes += payload;
  queue_raw(std::move(bytes), std::move(sent));
}

void FrameStream::queue_raw(std::string bytes,
                            std::function<void(error_code)> sent) {
  if (failed_ || bytes.empty()) {
    sent(failed_);
    return;
  }
  // Nothing goes out after Beast's close frame (RFC 6455, 5.5.1); a server
  // sends frames unmasked, so that one starts with FIN and opcode 8.
  if (static_cast<unsigned char>(bytes.front()) == 0x88) closing_ = true;
  Entry entry;
  entry.frame = OutFrame(std::move(bytes));
  entry.sent = std::move(sent);
  push(std::move(entry));
}

void FrameStream::push(Entry entry) {
  queued_bytes_ += entry.size();
  queue_.push_back(std::move(entry));
  flush();
}

void FrameStream::discard() {
  fd_ = -1;
  if (!failed_) failed_ = asio::error::operation_aborted;
  for (Entry& entry : queue_) {
    if (entry.sent) entry.sent(asio::error::operation_aborted);
  }
  queue_.clear();
  offset_ = 0;
  queued_bytes_ = 0;
}

// Sends until the queue is empty or the socket takes no more; then waits
// for it to take more.
void FrameStream::flush() {
  while (!queue_.empty() && !waiting_ && !failed_) {
    const std::size_t gathered = gather();
    const std::size_t sent = write_now(buffers_.data(), buffers_.size());
    if (failed_ || waiting_) return;
    consume(sent);
    if (sent < gathered) {
      wait_writable();
      return;
    }
  }
}

// One non-blocking gathered send; returns the bytes sent. A socket that
// takes nothing starts a wait for room; an error fails the stream.
std::size_t FrameStream::write_now(const iovec* buffers, std::size_t count) {
  msghdr message{};
  message.msg_iov = const_cast<iovec*>(buffers);
  message.msg_iovlen = count;
  constexpr int kFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
  ssize_t sent;
  do {
    sent = count == 1
               ? ::send(fd_, buffers[0].iov_base, buffers[0].iov_len, kFlags)
               : ::sendmsg(fd_, &message, kFlags);
  } while (sent < 0 && errno == EINTR);
  if (sent >= 0) return static_cast<std::size_t>(sent);
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    wait_writable();
    return 0;
  }
  fail(error_code(errno, boost::system::system_category()));
  return 0;
}

// The unsent bytes from the front of the queue, up to kMaxBuffers buffers;
// returns their size.
std::size_t FrameStream::gather() {
  buffers_.clear();
  std::size_t skip = offset_;
  std::size_t gathered = 0;
  const auto add = [&](const char* data, std::size_t size) {
    if (skip >= size) {
      skip -= size;
      return true;
    }
    if (buffers_.size() == kMaxBuffers) return false;
    buffers_.push_back({const_cast<char*>(data) + skip, size - skip});
    gathered += size - skip;
    skip = 0;
    return true;
  };
  for (const Entry& entry : queue_) {
    if (!add(entry.header.data(), entry.header_size)) break;
    for (const OutFrame::Piece& piece : entry.frame.pieces()) {
      if (!add(piece->data(), piece->size())) return gathered;
    }
  }
  return gathered;
}

void FrameStream::consume(std::size_t sent) {
  queued_bytes_ -= sent;
  offset_ += sent;
  while (!queue_.empty() && offset_ >= queue_.front().size()) {
    offset_ -= queue_.front().size();
    if (queue_.front().sent) queue_.front().sent({});
    queue_.pop_front();
  }
}

void FrameStream::wait_writable() {
  waiting_ = true;
  next_.socket().async_wait(
      tcp::socket::wait_write,
      [this, alive = std::weak_ptr<char>(alive_)](error_code ec) {
        if (alive.expired()) return;
        waiting_ = false;
        // A socket closed under the wait (Beast's timeout closes it) fails
        // the queue too, so that Beast's write waiting in it completes.
        if (ec) {
          fail(ec);
        } else {
          flush();
        }
      });
}

void FrameStream::fail(error_code ec) {
  if (failed_) return;
  discard();
  failed_ = ec;
  if (on_error_) {
    asio::post(next_.get_executor(),
               [on_error = std::move(on_error_), ec] { on_error(ec); });
  }
}

}  // namespace gunpp::net
