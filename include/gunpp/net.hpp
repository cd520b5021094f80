// The WebSocket transport: a server that GUN.js browsers and relays connect
// to, and a client that dials GUN relays, both feeding a Mesh. Built on
// Boost.Beast; this header includes no Boost header (a host that owns an
// io_context passes it by reference).
//
//   gunpp::Scheduler scheduler;
//   gunpp::GraphStore store(scheduler);
//   gunpp::Mesh mesh(store);
//   gunpp::NetLoop loop(scheduler);                 // I/O and turns together
//   gunpp::WebSocketServer server(loop, mesh);
//   auto port = server.listen("0.0.0.0", 8765);     // ws://host:8765/gun
//   gunpp::WebSocketClient client(loop, mesh);
//   client.connect("ws://other-relay:8765/gun");    // reconnects for ever
//   loop.run();                                     // until loop.stop()
//
// Text frames carry GUN messages; binary frames are ignored. A frame larger
// than the mesh's WireLimits::max_frame_bytes closes that connection only. Each
// connection sends the mesh's frames in order and queues what the peer has
// not yet taken; the mesh watches that queue's size
// (MeshOptions::max_unsent_bytes).
//
// Thread safety: everything runs on the thread that pumps the NetLoop; no
// thread is started. Destroy servers and clients before their loop.
#ifndef GUNPP_NET_HPP_
#define GUNPP_NET_HPP_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/mesh.hpp"
#include "gunpp/scheduler.hpp"
#include "gunpp/status.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace gunpp {

// Receives one line per connect, disconnect and error. If it throws, that
// line is lost and nothing else (scheduler.hpp's rule).
using NetLog = std::function<void(std::string_view line)>;

struct ServerOptions {
  NetLog log;
  // With both set, the server speaks wss:// (TLS) only, with this PEM
  // certificate chain and private key.
  std::string tls_cert_file;
  std::string tls_key_file;
  // A folder whose files plain HTTP GETs are answered with, as `npx gun`
  // serves its folder ("/" is index.html). Empty: GET / answers with a
  // one-line health check.
  std::string web_root;
  // GET /health: 200 "ok" while this returns OK, else 503 with its message
  // (a load balancer's check). Unset: always 200.
  std::function<Status()> health;
  // GET /metrics: 200 with what this returns, in the Prometheus text format.
  // Unset: 404.
  std::function<std::string()> metrics;
  // WebSocket connections beyond this many are answered 503 and closed.
  // 0: no limit.
  std::size_t max_connections = 0;
  // A connection the peer has sent nothing on (no message, no ping or pong)
  // for half of this is pinged; one still silent at the next half is
  // closed. Zero: never.
  std::chrono::milliseconds idle_timeout{300000};
};

struct ClientOptions {
  NetLog log;
  // Reconnecting: the first retry after reconnect_initial (GUN.js: about
  // 2 s), then doubling up to reconnect_max, each wait varied by up to
  // +-reconnect_jitter of itself.
  std::chrono::milliseconds reconnect_initial{2000};
  std::chrono::milliseconds reconnect_max{30000};
  double reconnect_jitter = 0.2;
  // wss://: verify the server's certificate chain and name (leave on
  // outside tests), against the PEM roots in ca_file, or the system's
  // trusted roots when ca_file is empty.
  bool verify_certificates = true;
  std::string ca_file;
  // As ServerOptions::idle_timeout, for the connections the client makes.
  std::chrono::milliseconds idle_timeout{300000};
};

// Pumps an io_context and a Scheduler together on the calling thread: I/O
// handlers, then up to `turns_per_step` scheduler turns, then a wait for I/O
// no longer than the next scheduler timer.
class NetLoop {
 public:
  // With an io_context of its own.
  explicit NetLoop(Scheduler& scheduler);
  // With the host's; it must outlive the loop.
  NetLoop(Scheduler& scheduler, boost::asio::io_context& io);
  NetLoop(const NetLoop&) = delete;
  NetLoop& operator=(const NetLoop&) = delete;
  ~NetLoop();

  boost::asio::io_context& io();
  Scheduler& scheduler();

  // Runs what is ready, without blocking; returns handlers + turns run.
  std::size_t poll();
  // Pumps until `budget` has passed or stop() is called.
  void run_for(std::chrono::milliseconds budget);
  // Pumps until stop().
  void run();
  // Makes run() and run_for() return; callable from a handler or a turn.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Accepts WebSocket connections on path /gun, and answers plain HTTP GETs
// with the files under ServerOptions::web_root, or with a short text (a health
// check).
class WebSocketServer {
 public:
  // `loop` and `mesh` must outlive the server.
  WebSocketServer(NetLoop& loop, Mesh& mesh, ServerOptions options = {});
  WebSocketServer(const WebSocketServer&) = delete;
  WebSocketServer& operator=(const WebSocketServer&) = delete;
  ~WebSocketServer();

  // Starts accepting on host:port (port 0: any free port). Returns the port.
  // Errors: InvalidArgument for a host that is not an IP address or a TLS
  // certificate or key that cannot be used, Unavailable when the address
  // cannot be bound. While the process has no descriptor (or memory) for a
  // new connection, accepting pauses 100 ms at a time, logged once.
  Result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
  // Stops accepting; the connections stay.
  void stop_accepting();
  // Stops accepting and closes every connection.
  void close();
  std::size_t connections() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

// Dials GUN peers at ws:// URLs and keeps dialling: after a failure or a
// close it retries with backoff until close().
class WebSocketClient {
 public:
  // `loop` and `mesh` must outlive the client.
  WebSocketClient(NetLoop& loop, Mesh& mesh, ClientOptions options = {});
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;
  ~WebSocketClient();

  // Starts dialling `url` (ws:// or wss://host[:port][/path]; the path
  // defaults to /gun). InvalidArgument for a URL it cannot use.
  Status connect(const std::string& url);
  // The URLs given to connect(), and whether each is connected now.
  std::vector<std::pair<std::string, bool>> status() const;
  // Stops dialling and closes every connection.
  void close();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace gunpp

#endif  // GUNPP_NET_HPP_
