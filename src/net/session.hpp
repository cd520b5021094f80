// One open WebSocket connection as a mesh peer: reads text frames into the
// mesh, writes the mesh's frames one at a time from a queue.
#ifndef GUNPP_SRC_NET_SESSION_HPP_
#define GUNPP_SRC_NET_SESSION_HPP_

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "beast.hpp"
#include "gunpp/mesh.hpp"
#include "gunpp/net.hpp"

namespace gunpp::net {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `on_closed` runs once when the connection ends, after the mesh has
  // forgotten the peer.
  Session(WsStream stream, Mesh& mesh, const NetOptions& options,
          std::string url, bool accepted, std::function<void()> on_closed);

  // Joins the mesh and starts reading.
  void start();
  // Leaves the mesh now and closes the connection; no handler touches the
  // mesh afterwards. For owners that are going away.
  void detach();
  bool closed() const { return closed_; }

 private:
  void read();
  void on_read(error_code ec);
  std::size_t enqueue(std::string frame);
  void write_next();
  void close(std::string_view reason);
  void finish(std::string_view reason);

  WsStream ws_;
  Mesh* mesh_;
  const NetOptions* options_;
  std::string url_;
  bool accepted_;
  std::function<void()> on_closed_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  PeerId peer_ = 0;
};

void log_line(const NetOptions& options, const std::string& line);

}  // namespace gunpp::net

#endif  // GUNPP_SRC_NET_SESSION_HPP_
