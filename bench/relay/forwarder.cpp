// gunpp_forwarder: the floor of the relay benchmarks. A WebSocket server
// that only copies each message it receives to every other connection:
// epoll, non-blocking sockets, raw frames, no JSON, no dedup, no state. What
// a relay spends above this is the price of being a GUN peer.
//
//   gunpp_forwarder [PORT]
//
// Prints "listening ws://127.0.0.1:PORT/gun" on stdout once it accepts
// connections; exits when its standard input closes.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

constexpr std::size_t kMaxMessage = 256 * 1024 * 1024;

struct Connection {
  int fd = -1;
  bool upgraded = false;
  std::string in;
  std::string out;
  std::size_t out_sent = 0;
  std::string message;      // fragments of the message being received
  std::uint8_t opcode = 1;  // of that message: text or binary
  bool writable_armed = false;
};

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2).
std::string accept_key(std::string_view key) {
  const std::string text =
      std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
       digest);
  unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return reinterpret_cast<const char*>(encoded);
}

// The value of header `name` (lower case) in an HTTP request head.
std::string_view header(std::string_view head, std::string_view name) {
  std::size_t at = 0;
  while ((at = head.find("\r\n", at)) != std::string_view::npos) {
    at += 2;
    const std::size_t colon = head.find(':', at);
    const std::size_t eol = head.find("\r\n", at);
    if (colon == std::string_view::npos || colon > eol) continue;
    std::string field(head.substr(at, colon - at));
    for (char& c : field) c = static_cast<char>(std::tolower(c));
    if (field != name) continue;
    std::string_view value = head.substr(colon + 1, eol - colon - 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return value;
  }
  return {};
}

// An unmasked server frame holding one whole message.
std::string server_frame(std::uint8_t opcode, std::string_view payload) {
  std::string frame;
  frame.push_back(static_cast<char>(0x80 | opcode));
  const std::uint64_t n = payload.size();
  if (n < 126) {
    frame.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    frame.push_back(126);
    frame.push_back(static_cast<char>(n >> 8));
    frame.push_back(static_cast<char>(n));
  } else {
    frame.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame.push_back(static_cast<char>(n >> shift));
    }
  }
  frame.append(payload);
  return frame;
}

class Forwarder {
 public:
  int run(int port);

 private:
  void accept_all();
  void on_readable(Connection& c);
  // Parses what `c` has received; false when it must be closed.
  bool consume(Connection& c);
  bool upgrade(Connection& c);
  void broadcast(const Connection& from, const std::string& frame);
  void flush(Connection& c);
  void close(int fd);

  int epoll_ = -1;
  int listener_ = -1;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
};

int Forwarder::run(int port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
          0 ||
      listen(listener_, 4096) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    std::perror("gunpp_forwarder: listen");
    return 1;
  }
  epoll_ = epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener_;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event);
  event.data.fd = STDIN_FILENO;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, STDIN_FILENO, &event);
  std::printf("listening ws://127.0.0.1:%d/gun\n", ntohs(address.sin_port));
  std::fflush(stdout);

  epoll_event events[256];
  for (;;) {
    const int n = epoll_wait(epoll_, events, 256, -1);
    if (n < 0 && errno == EINTR) continue;
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == STDIN_FILENO) {
        char buffer[256];
        if (read(STDIN_FILENO, buffer, sizeof buffer) <= 0) return 0;
      } else if (fd == listener_) {
        accept_all();
      } else if (auto it = connections_.find(fd); it != connections_.end()) {
        if (events[i].events & EPOLLOUT) flush(*it->second);
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          on_readable(*it->second);
        }
      }
    }
  }
}

void Forwarder::accept_all() {
  for (;;) {
    const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK);
    if (fd < 0) return;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    connections_.emplace(fd, std::move(c));
  }
}

void Forwarder::on_readable(Connection& c) {
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(c.fd, buffer, sizeof buffer);
    if (n > 0) {
      c.in.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return close(c.fd);  // end of stream or error
  }
  if (!consume(c)) close(c.fd);
}

bool Forwarder::upgrade(Connection& c) {
  const std::size_t end = c.in.find("\r\n\r\n");
  if (end == std::string::npos) return c.in.size() < 65536;
  const std::string_view key =
      header(std::string_view(c.in).substr(0, end + 2), "sec-websocket-key");
  if (key.empty()) return false;
  c.out +=
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
      accept_key(key) + "\r\n\r\n";
  c.in.erase(0, end + 4);
  c.upgraded = true;
  flush(c);
  return true;
}

bool Forwarder::consume(Connection& c) {
  if (!c.upgraded) {
    if (!upgrade(c)) return false;
    if (!c.upgraded) return true;  // the request head is still incomplete
  }
  std::size_t at = 0;
  const auto* in = reinterpret_cast<const std::uint8_t*>(c.in.data());
  for (;;) {
    const std::size_t available = c.in.size() - at;
    if (available < 2) break;
    const bool fin = (in[at] & 0x80) != 0;
    const std::uint8_t opcode = in[at] & 0x0F;
    const bool masked = (in[at + 1] & 0x80) != 0;
    std::uint64_t length = in[at + 1] & 0x7F;
    std::size_t head = 2;
    if (length == 126) {
      if (available < 4) break;
      length = (std::uint64_t{in[at + 2]} << 8) | in[at + 3];
      head = 4;
    } else if (length == 127) {
      if (available < 10) break;
      length = 0;
      for (int k = 0; k < 8; ++k) length = (length << 8) | in[at + 2 + k];
      head = 10;
    }
    if (!masked || length > kMaxMessage) return false;
    if (available < head + 4 + length) break;
    const std::uint8_t* mask = in + at + head;
    const std::size_t payload = at + head + 4;
    if (opcode == 8) return false;      // close
    if (opcode == 9 || opcode == 10) {  // ping, pong: ignored
      at = payload + length;
      continue;
    }
    if (opcode != 0) c.opcode = opcode;
    const std::size_t start = c.message.size();
    c.message.append(c.in, payload, length);
    for (std::size_t k = 0; k < length; ++k) {
      c.message[start + k] =
          static_cast<char>(c.message[start + k] ^ mask[k % 4]);
    }
    if (c.message.size() > kMaxMessage) return false;
    at = payload + length;
    if (fin) {
      broadcast(c, server_frame(c.opcode, c.message));
      c.message.clear();
    }
  }
  c.in.erase(0, at);
  return true;
}

void Forwarder::broadcast(const Connection& from, const std::string& frame) {
  for (auto& [fd, to] : connections_) {
    if (fd == from.fd || !to->upgraded) continue;
    to->out += frame;
    flush(*to);
  }
}

void Forwarder::flush(Connection& c) {
  while (c.out_sent < c.out.size()) {
    const ssize_t n =
        write(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent);
    if (n <= 0) break;
    c.out_sent += static_cast<std::size_t>(n);
  }
  if (c.out_sent == c.out.size()) {
    c.out.clear();
    c.out_sent = 0;
  }
  const bool want = !c.out.empty();
  if (want != c.writable_armed) {
    epoll_event event{};
    event.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    event.data.fd = c.fd;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
    c.writable_armed = want;
  }
}

void Forwarder::close(int fd) {
  epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  connections_.erase(fd);
}

}  // namespace

int main(int argc, char** argv) {
  return Forwarder().run(argc > 1 ? std::atoi(argv[1]) : 0);
}
