// Open WebSocket connections as mesh peers, over TCP or TLS. Private to
// src/net/. The session itself, with all that Beast instantiates for reading
// and writing frames, lives in session.cpp only: once per stream type for
// the whole library.
#ifndef GUNPP_SRC_NET_SESSION_HPP_
#define GUNPP_SRC_NET_SESSION_HPP_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "beast.hpp"
#include "frame_stream.hpp"
#include "gunpp/mesh.hpp"
#include "gunpp/net.hpp"

namespace gunpp::net {

void log_line(const NetLog& log, const std::string& line);

// What a server or client keeps of its connections, whatever their stream.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual bool closed() const = 0;
  // Leaves the mesh now and closes the connection; no handler touches the
  // mesh afterwards. For owners that are going away.
  virtual void detach() = 0;
};

// Joins `mesh` as a peer over the open WebSocket `stream` and starts reading
// its frames into the mesh; the mesh's frames go out in order, through the
// stream's own queue for an accepted ws:// connection (frame_stream.hpp),
// else one at a time through Beast. `on_closed` runs once when the
// connection ends, after the mesh has forgotten the peer. A peer silent for
// half of `idle_timeout` is pinged, and one silent for all of it is closed
// (zero: never). Pending I/O keeps the connection alive; the returned
// pointer is for asking and closing. Runs on the NetLoop's thread.
std::shared_ptr<Connection> start_session(
    WsStream stream, Mesh& mesh, const NetLog& log, std::string url,
    bool accepted, std::chrono::milliseconds idle_timeout,
    std::function<void()> on_closed);
std::shared_ptr<Connection> start_session(
    AcceptedWsStream stream, Mesh& mesh, const NetLog& log, std::string url,
    bool accepted, std::chrono::milliseconds idle_timeout,
    std::function<void()> on_closed);
std::shared_ptr<Connection> start_session(
    TlsWsStream stream, Mesh& mesh, const NetLog& log, std::string url,
    bool accepted, std::chrono::milliseconds idle_timeout,
    std::function<void()> on_closed);

}  // namespace gunpp::net

#endif  // GUNPP_SRC_NET_SESSION_HPP_
