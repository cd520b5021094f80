// The WebSocket transport over real sockets on 127.0.0.1: a server and
// clients, each with its own store and mesh, pumped by one NetLoop.
#include "gunpp/net.hpp"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz/replay.hpp"
#include "fuzz/ws_frames_property.hpp"
#include "net/frame_stream.hpp"

namespace gunpp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// A peer: store and mesh on the shared scheduler.
struct Peer {
  explicit Peer(Scheduler& scheduler, MeshOptions options = {})
      : store(scheduler), mesh(store, std::move(options)) {}
  GraphStore store;
  Mesh mesh;
};

// A WebSocket peer written with Beast alone, for what the mesh never sends.
using RawPeer = beast::websocket::stream<beast::tcp_stream>;

struct Fixture {
  Fixture() {
    server.log = [this](std::string_view line) { log.emplace_back(line); };
    client.log = server.log;
    client.reconnect_initial = std::chrono::milliseconds(100);
    client.reconnect_max = std::chrono::milliseconds(200);
  }
  // Pumps until `done` holds; false after `ms` of real time.
  bool pump_until(const std::function<bool()>& done, int ms = 5000) {
    const auto end =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      if (done()) return true;
      loop.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }
  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(port) + "/gun";
  }
  // A plain HTTP GET of `target` from the server on `server_port`.
  beast::http::response<beast::http::string_body> http_get(
      std::uint16_t server_port, const std::string& target) {
    beast::tcp_stream stream(loop.io());
    beast::http::response<beast::http::string_body> response;
    beast::flat_buffer buffer;
    bool done = false;
    stream.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_port),
        [&](boost::system::error_code ec) {
          REQUIRE_FALSE(ec);
          auto request =
              std::make_shared<beast::http::request<beast::http::empty_body>>(
                  beast::http::verb::get, target, 11);
          beast::http::async_write(
              stream, *request,
              [&, request](boost::system::error_code, std::size_t) {
                beast::http::async_read(stream, buffer, response,
                                        [&](boost::system::error_code,
                                            std::size_t) { done = true; });
              });
        });
    REQUIRE(pump_until([&] { return done; }));
    return response;
  }

  // Connects `raw` to the server on `server_port` and opens its WebSocket.
  void open_raw(RawPeer& raw, std::uint16_t server_port) {
    bool open = false;
    raw.next_layer().async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_port),
        [&](boost::system::error_code ec) {
          REQUIRE_FALSE(ec);
          raw.async_handshake("127.0.0.1", "/gun",
                              [&](boost::system::error_code ec2) {
                                REQUIRE_FALSE(ec2);
                                open = true;
                              });
        });
    REQUIRE(pump_until([&] { return open; }));
  }

  Scheduler scheduler;  // the real clock
  NetLoop loop{scheduler};
  ServerOptions server;
  ClientOptions client;
  std::vector<std::string> log;
  std::uint16_t port = 0;
};

// A server with two clients connected to it, each on its own mesh.
struct TwoClients {
  explicit TwoClients(Fixture& f)
      : peers{Peer(f.scheduler), Peer(f.scheduler), Peer(f.scheduler)},
        server(f.loop, peers[0].mesh, f.server),
        ca(f.loop, peers[1].mesh, f.client),
        cb(f.loop, peers[2].mesh, f.client) {
    auto port = server.listen("127.0.0.1", 0);
    REQUIRE(port);
    f.port = *port;
    REQUIRE(ca.connect(f.url()));
    REQUIRE(cb.connect(f.url()));
    REQUIRE(f.pump_until([&] { return server.connections() == 2; }));
  }
  std::array<Peer, 3> peers;  // the relay, a and b
  WebSocketServer server;
  WebSocketClient ca;
  WebSocketClient cb;
};

TEST_CASE("net: a put travels client -> server -> client", "[net]") {
  Fixture f;
  TwoClients net(f);
  Peer& relay = net.peers[0];
  Peer& a = net.peers[1];
  Peer& b = net.peers[2];
  CHECK(net.ca.status() ==
        std::vector<std::pair<std::string, bool>>{{f.url(), true}});
  bool acked = false;
  REQUIRE(a.mesh.write("s", {{"k", "v"}},
                       [&](const PutOutcome& o) { acked = o.acked; }));
  REQUIRE(
      f.pump_until([&] { return b.store.get("s", "k").has_value() && acked; }));
  CHECK(b.store.get("s", "k")->value == Value("v"));
  CHECK(relay.store.get("s", "k")->value == Value("v"));
}

TEST_CASE("net: many puts in one turn go out in batches and all arrive",
          "[net]") {
  Fixture f;
  TwoClients net(f);
  Peer& a = net.peers[1];
  Peer& b = net.peers[2];
  constexpr int kPuts = 300;
  int acked = 0;
  for (int i = 0; i < kPuts; ++i) {
    REQUIRE(a.mesh.write("s" + std::to_string(i),
                         {{"k", std::string(i % 7 * 40, 'x')}},
                         [&](const PutOutcome& o) { acked += o.acked; }));
  }
  const auto all_at_b = [&] {
    for (int i = 0; i < kPuts; ++i) {
      if (!b.store.get("s" + std::to_string(i), "k")) return false;
    }
    return acked == kPuts;
  };
  REQUIRE(f.pump_until(all_at_b));
  for (int i = 0; i < kPuts; ++i) {
    CHECK(b.store.get("s" + std::to_string(i), "k")->value ==
          Value(std::string(i % 7 * 40, 'x')));
  }
  // They left a's mesh in far fewer frames than puts: batches of many
  // messages, each written as one WebSocket message.
  CHECK(a.mesh.stats().frames_out < kPuts / 4);
}

TEST_CASE("net: plain HTTP gets a health check or the web folder's files",
          "[net]") {
  Fixture f;
  Peer relay(f.scheduler);
  const auto root = std::filesystem::temp_directory_path() / "gunpp_net_web";
  std::filesystem::create_directories(root);
  std::ofstream(root / "index.html") << "<p>hello</p>";
  std::ofstream(root / "gun.js") << "var Gun;";
  const bool with_web = GENERATE(false, true);
  if (with_web) f.server.web_root = root.string();
  WebSocketServer server(f.loop, relay.mesh, f.server);
  auto port = server.listen("127.0.0.1", 0);
  REQUIRE(port);
  const auto get = [&](const std::string& target) {
    return f.http_get(*port, target);
  };
  const auto home = get("/");
  CHECK(home.result() == beast::http::status::ok);
  CHECK(get("/elsewhere").result() == beast::http::status::not_found);
  if (!with_web) {
    CHECK(home.body().find("gunpp relay") != std::string::npos);
    return;
  }
  CHECK(home.body() == "<p>hello</p>");
  CHECK(home[beast::http::field::content_type] == "text/html; charset=utf-8");
  const auto script = get("/gun.js?v=1");
  CHECK(script.body() == "var Gun;");
  CHECK(script[beast::http::field::content_type] ==
        "text/javascript; charset=utf-8");
  CHECK(get("/../gunpp_net_web/gun.js").result() ==
        beast::http::status::not_found);
}

TEST_CASE("net: /health, /metrics and max_connections", "[net]") {
  Fixture f;
  Peer relay(f.scheduler), a(f.scheduler), b(f.scheduler);
  Status storage;
  f.server.health = [&] { return storage; };
  const bool with_metrics = GENERATE(false, true);
  if (with_metrics) {
    f.server.metrics = [] { return std::string("gunpp_connections 1\n"); };
  }
  f.server.max_connections = 1;
  WebSocketServer server(f.loop, relay.mesh, f.server);
  auto port = server.listen("127.0.0.1", 0);
  REQUIRE(port);
  f.port = *port;
  auto health = f.http_get(*port, "/health");
  CHECK(health.result() == beast::http::status::ok);
  CHECK(health.body() == "ok\n");
  storage = Status::unavailable("db: cannot connect");
  health = f.http_get(*port, "/health?probe=1");
  CHECK(health.result() == beast::http::status::service_unavailable);
  CHECK(health.body() == "db: cannot connect\n");
  const auto metrics = f.http_get(*port, "/metrics");
  if (with_metrics) {
    CHECK(metrics.result() == beast::http::status::ok);
    CHECK(metrics.body() == "gunpp_connections 1\n");
    CHECK(metrics[beast::http::field::content_type] ==
          "text/plain; version=0.0.4");
  } else {
    CHECK(metrics.result() == beast::http::status::not_found);
  }
  // One connection is allowed; the second is answered 503 and never joins.
  WebSocketClient ca(f.loop, a.mesh, f.client);
  REQUIRE(ca.connect(f.url()));
  REQUIRE(f.pump_until([&] { return server.connections() == 1; }));
  WebSocketClient cb(f.loop, b.mesh, f.client);
  REQUIRE(cb.connect(f.url()));
  f.pump_until([] { return false; }, 500);
  CHECK(server.connections() == 1);
  CHECK_FALSE(cb.status().at(0).second);
  CHECK(relay.mesh.peers().size() == 1);
  // Draining: no new connection, the open one stays.
  server.stop_accepting();
  ca.close();
  REQUIRE(f.pump_until([&] { return server.connections() == 0; }));
  WebSocketClient cc(f.loop, a.mesh, f.client);
  REQUIRE(cc.connect(f.url()));
  f.pump_until([] { return false; }, 300);
  CHECK(server.connections() == 0);
}

TEST_CASE(
    "net: binary frames are ignored, an oversize frame closes only its "
    "connection",
    "[net]") {
  Fixture f;
  MeshOptions small_frames;
  small_frames.protocol.limits.max_frame_bytes = 1000;
  Peer relay(f.scheduler, small_frames), a(f.scheduler);
  WebSocketServer server(f.loop, relay.mesh, f.server);
  auto port = server.listen("127.0.0.1", 0);
  REQUIRE(port);
  f.port = *port;
  WebSocketClient ca(f.loop, a.mesh, f.client);
  REQUIRE(ca.connect(f.url()));

  // A raw WebSocket peer.
  RawPeer raw(f.loop.io());
  f.open_raw(raw, *port);
  REQUIRE(f.pump_until([&] { return server.connections() == 2; }));
  raw.binary(true);
  const std::string put =
      R"({"#":"b1","put":{"s":{"_":{"#":"s",">":{"k":1}},"k":1}}})";
  bool written = false;
  raw.async_write(asio::buffer(put), [&](boost::system::error_code,
                                         std::size_t) { written = true; });
  REQUIRE(f.pump_until([&] { return written; }));
  f.loop.run_for(std::chrono::milliseconds(200));
  CHECK_FALSE(relay.store.get("s", "k"));  // binary: ignored

  raw.text(true);
  const std::string big(2000, ' ');
  written = false;
  raw.async_write(
      asio::buffer("[" + big + "]"),
      [&](boost::system::error_code, std::size_t) { written = true; });
  REQUIRE(f.pump_until([&] { return server.connections() == 1; }));
  // The client is still connected and syncing.
  REQUIRE(a.mesh.write("t", {{"k", "v"}}, {}));
  REQUIRE(f.pump_until([&] { return relay.store.get("t", "k").has_value(); }));
  bool logged = false;
  for (const auto& line : f.log)
    logged = logged || line.find("closed") != std::string::npos;
  CHECK(logged);
}

// Souls of the puts in one received text frame: a message or an array of
// them. Empty when the text is not JSON.
std::vector<std::string> souls_put(const std::string& text) {
  std::vector<std::string> souls;
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return souls;
  const auto add = [&](const nlohmann::json& message) {
    if (!message.contains("put")) return;
    for (const auto& [soul, node] : message["put"].items()) {
      souls.push_back(soul);
    }
  };
  if (json.is_array()) {
    for (const auto& message : json) add(message);
  } else {
    add(json);
  }
  return souls;
}

TEST_CASE(
    "net: a server's frames stay whole and in order around a slow reader's "
    "ping and close",
    "[net]") {
  Fixture f;
  Peer relay(f.scheduler);
  WebSocketServer server(f.loop, relay.mesh, f.server);
  auto port = server.listen("127.0.0.1", 0);
  REQUIRE(port);

  RawPeer raw(f.loop.io());
  raw.read_message_max(0);
  std::vector<std::string> souls;  // of the puts received, in order
  std::vector<std::string> pongs;
  std::size_t souls_before_pong = 0;
  raw.control_callback(
      [&](beast::websocket::frame_type kind, beast::string_view payload) {
        if (kind == beast::websocket::frame_type::pong) {
          pongs.emplace_back(payload);
          souls_before_pong = souls.size();
        }
      });
  f.open_raw(raw, *port);
  REQUIRE(f.pump_until([&] { return server.connections() == 1; }));

  // More than loopback's socket buffers hold, while the peer reads nothing:
  // the server's sends stop part-way through a frame and resume later.
  constexpr int kPuts = 96;
  const auto value = [](int i) {
    return std::string(256 * 1024, 'a' + i % 26);
  };
  for (int i = 0; i < kPuts; ++i) {
    REQUIRE(relay.mesh.write("big" + std::to_string(i), {{"k", value(i)}}, {}));
  }
  f.loop.run_for(std::chrono::milliseconds(300));
  bool pinged = false;
  raw.async_ping("p1", [&](boost::system::error_code ec) {
    CHECK_FALSE(ec);
    pinged = true;
  });
  REQUIRE(f.pump_until([&] { return pinged; }));
  f.loop.run_for(std::chrono::milliseconds(100));

  // Every frame is one whole JSON text, every put arrives once, in the
  // order written, and the pong comes back behind them.
  bool bad_frame = false;
  bool reading = true;
  beast::flat_buffer buffer;
  std::function<void()> read = [&] {
    raw.async_read(buffer, [&](boost::system::error_code ec, std::size_t) {
      if (ec) {  // the close ends it
        reading = false;
        return;
      }
      const std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      const auto got = souls_put(text);
      bad_frame =
          bad_frame || (got.empty() && text.find("put") != std::string::npos);
      souls.insert(souls.end(), got.begin(), got.end());
      read();
    });
  };
  read();
  REQUIRE(f.pump_until([&] { return souls.size() >= kPuts && !pongs.empty(); },
                       20000));
  CHECK(reading);
  CHECK_FALSE(bad_frame);
  REQUIRE(souls.size() == kPuts);
  for (int i = 0; i < kPuts; ++i) CHECK(souls[i] == "big" + std::to_string(i));
  CHECK(pongs == std::vector<std::string>{"p1"});
  CHECK(souls_before_pong == kPuts);

  // The closing handshake completes both ways.
  bool closed = false;
  raw.async_close(beast::websocket::close_code::normal,
                  [&](boost::system::error_code ec) {
                    CHECK_FALSE(ec);
                    closed = true;
                  });
  REQUIRE(f.pump_until([&] { return closed && !reading; }));
  REQUIRE(f.pump_until([&] { return server.connections() == 0; }));
}

TEST_CASE(
    "net: small frames sent from a copy stay whole and in order when the "
    "socket fills",
    "[net]") {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  net::FrameStream stream(beast::tcp_stream(acceptor.accept()));
  // Frames of 50 to 500 bytes (copied whole before their send), with 1- and
  // 3-byte length headers, until the socket takes no more and some wait.
  std::string expected;
  std::size_t waiting = 0;
  int sent = 0;
  for (; sent < 1'000'000 && (waiting == 0 || sent % 1000 != 0); ++sent) {
    std::string text(50 + sent % 451, static_cast<char>('a' + sent % 26));
    expected += '\x81';
    if (text.size() < 126) {
      expected += static_cast<char>(text.size());
    } else {
      expected += static_cast<char>(126);
      expected += static_cast<char>(text.size() >> 8);
      expected += static_cast<char>(text.size() & 0xFF);
    }
    expected += text;
    waiting = stream.send(OutFrame(std::move(text)));
  }
  REQUIRE(waiting > 0);
  // Read everything; the stream sends the rest as the socket drains.
  client.non_blocking(true);
  std::string received;
  std::array<char, 65536> buffer;
  for (int idle = 0; received.size() < expected.size() && idle < 100000;) {
    io.poll();
    io.restart();
    boost::system::error_code ec;
    const std::size_t got = client.read_some(asio::buffer(buffer), ec);
    if (ec == asio::error::would_block) {
      ++idle;
      continue;
    }
    REQUIRE_FALSE(ec);
    received.append(buffer.data(), got);
    idle = 0;
  }
  CHECK(received.size() == expected.size());
  CHECK(received == expected);
}

// A relay peer served on 127.0.0.1 with the fixture's server options.
struct Served {
  explicit Served(Fixture& f, MeshOptions options = {})
      : relay(f.scheduler, std::move(options)),
        server(f.loop, relay.mesh, f.server) {
    auto listening = server.listen("127.0.0.1", 0);
    REQUIRE(listening);
    port = *listening;
  }
  Peer relay;
  WebSocketServer server;
  std::uint16_t port = 0;
};

// Keeps reading a raw peer's messages (the mesh greets a new peer), and
// so answering the server's pings, until its connection ends.
struct ReadOn {
  explicit ReadOn(RawPeer& peer) : raw(peer) { read(); }
  void read() {
    raw.async_read(buffer, [this](boost::system::error_code ec, std::size_t) {
      buffer.consume(buffer.size());
      if (ec) {
        ended = true;
      } else {
        read();
      }
    });
  }
  RawPeer& raw;
  beast::flat_buffer buffer;
  bool ended = false;
};

// The payloads of the control frames of `kind` that `raw` reads.
void collect_control(RawPeer& raw, beast::websocket::frame_type kind,
                     std::vector<std::string>& payloads) {
  raw.control_callback([&payloads, kind](beast::websocket::frame_type got,
                                         beast::string_view payload) {
    if (got == kind) payloads.emplace_back(payload);
  });
}

TEST_CASE(
    "net: a silent peer is pinged at half the idle timeout and closed when it "
    "does not answer",
    "[net]") {
  Fixture f;
  f.server.idle_timeout = std::chrono::milliseconds(200);
  Served served(f);

  // `answering` keeps a read open, so Beast answers each ping with a pong;
  // `silent` never reads, so it answers nothing.
  RawPeer answering(f.loop.io());
  RawPeer silent(f.loop.io());
  std::vector<std::string> pings;
  collect_control(answering, beast::websocket::frame_type::ping, pings);
  f.open_raw(answering, served.port);
  f.open_raw(silent, served.port);
  REQUIRE(f.pump_until([&] { return served.server.connections() == 2; }));
  ReadOn reading(answering);

  REQUIRE(f.pump_until([&] { return served.server.connections() == 1; }, 3000));
  CHECK(std::count(f.log.begin(), f.log.end(),
                   "connection from a peer closed: no answer to a ping") == 1);
  // The answering peer outlives several periods, pinged at each quiet one.
  f.loop.run_for(std::chrono::milliseconds(700));
  CHECK(served.server.connections() == 1);
  CHECK_FALSE(reading.ended);
  CHECK(pings.size() >= 3);
}

TEST_CASE("net: with no idle timeout, a silent peer is never pinged", "[net]") {
  Fixture f;
  f.server.idle_timeout = std::chrono::milliseconds(0);
  Served served(f);
  RawPeer raw(f.loop.io());
  std::vector<std::string> pings;
  collect_control(raw, beast::websocket::frame_type::ping, pings);
  f.open_raw(raw, served.port);
  ReadOn reading(raw);
  f.loop.run_for(std::chrono::milliseconds(500));
  CHECK(served.server.connections() == 1);
  CHECK(pings.empty());
}

// A client's WebSocket frame, masked, as bytes on the wire.
std::string client_frame(std::uint8_t first_byte, std::string_view payload,
                         bool masked = true) {
  std::string out(1, static_cast<char>(first_byte));
  const char mask_bit = masked ? '\x80' : '\0';
  if (payload.size() < 126) {
    out += static_cast<char>(mask_bit | static_cast<char>(payload.size()));
  } else {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(payload.size() >> 8);
    out += static_cast<char>(payload.size() & 0xFF);
  }
  const std::string key = "\x12\x34\x56\x78";
  if (masked) out += key;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    out += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
  }
  return out;
}

TEST_CASE(
    "net: a server reads fragmented messages, a ping between fragments and "
    "frames cut anywhere",
    "[net]") {
  Fixture f;
  Served served(f);
  Peer& relay = served.relay;
  RawPeer raw(f.loop.io());
  std::vector<std::string> pongs;
  collect_control(raw, beast::websocket::frame_type::pong, pongs);
  f.open_raw(raw, served.port);
  ReadOn reading(raw);

  // One put in three fragments (text, continuation, final continuation)
  // with a ping between the first two; then an unfragmented put. All of it
  // is written one byte at a time.
  const std::string put =
      R"({"#":"m1","put":{"frag":{"_":{"#":"frag",">":{"k":1}},"k":"v"}}})";
  const std::string second =
      R"({"#":"m2","put":{"whole":{"_":{"#":"whole",">":{"k":1}},"k":"w"}}})";
  const std::string bytes =
      client_frame(0x01, put.substr(0, 10)) + client_frame(0x89, "p1") +
      client_frame(0x00, put.substr(10, 20)) +
      client_frame(0x80, put.substr(30)) + client_frame(0x81, second);
  for (const char byte : bytes) {
    asio::write(raw.next_layer().socket(), asio::buffer(&byte, 1));
    f.loop.poll();
  }
  REQUIRE(f.pump_until([&] {
    return relay.store.get("frag", "k") && relay.store.get("whole", "k") &&
           !pongs.empty();
  }));
  CHECK(relay.store.get("frag", "k")->value == Value("v"));
  CHECK(relay.store.get("whole", "k")->value == Value("w"));
  CHECK(pongs == std::vector<std::string>{"p1"});
  CHECK(served.server.connections() == 1);
}

TEST_CASE("net: a server fails a connection that breaks the framing rules",
          "[net]") {
  Fixture f;
  MeshOptions options;
  options.protocol.limits.max_frame_bytes = 1000;
  Served served(f, options);

  struct Case {
    std::string name;
    std::string bytes;
    std::string why;
  };
  const std::string text = R"({"#":"x","get":{"#":"a"}})";
  const std::vector<Case> cases = {
      {"unmasked", client_frame(0x81, text, /*masked=*/false),
       "unmasked frame from a client"},
      {"reserved bits", client_frame(0xC1, text), "reserved bits set"},
      {"unknown opcode", client_frame(0x83, text), "unknown data opcode"},
      {"long ping", client_frame(0x89, std::string(126, 'p')),
       "control frame too long"},
      {"fragmented ping", client_frame(0x09, "p"), "fragmented control frame"},
      {"stray continuation", client_frame(0x80, text),
       "continuation frame with no message to continue"},
      {"message inside a message",
       client_frame(0x01, "{") + client_frame(0x81, text),
       "new message inside a fragmented one"},
      {"too big", client_frame(0x81, std::string(1001, ' ')),
       "message too big"},
      {"too big in fragments",
       client_frame(0x01, std::string(600, ' ')) +
           client_frame(0x80, std::string(600, ' ')),
       "message too big"},
      {"not UTF-8", client_frame(0x81, "{\"#\":\"\xC3\x28\"}"),
       "text message is not UTF-8"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    f.log.clear();
    RawPeer raw(f.loop.io());
    f.open_raw(raw, served.port);
    REQUIRE(f.pump_until([&] { return served.server.connections() == 1; }));
    asio::write(raw.next_layer().socket(), asio::buffer(c.bytes));
    REQUIRE(f.pump_until([&] { return served.server.connections() == 0; }));
    CHECK(std::count(f.log.begin(), f.log.end(),
                     "connection from a peer closed: read: " + c.why) == 1);
  }
  // Nothing it sent was applied, and the server still serves.
  CHECK(served.relay.store.get("a", "k") == std::nullopt);
  RawPeer after(f.loop.io());
  f.open_raw(after, served.port);
  CHECK(f.pump_until([&] { return served.server.connections() == 1; }));
}

TEST_CASE("net: the frame reader's fuzz property holds on its corpus",
          "[net]") {
  const std::size_t inputs = testing::replay_inputs(
      {GUNPP_FUZZ_DIR "/corpus/ws_frames",
       GUNPP_FUZZ_DIR "/regressions/ws_frames"},
      [](const std::string& bytes) {
        CHECK(testing::ws_frames_property_violation(bytes) == "");
      });
  CHECK(inputs >= 6);
  // A masked text frame of "{}", read whole: one message, then it waits.
  const auto whole = testing::read_ws_frames(
      std::string_view("\x81\x82\x12\x34\x56\x78\x69\x49", 8), 0);
  CHECK(whole.frames == std::vector<std::string>{"2:{}"});
  CHECK(whole.end == "need more");
}

TEST_CASE("net: a client reconnects by itself when the server comes back",
          "[net]") {
  Fixture f;
  Peer relay(f.scheduler), a(f.scheduler);
  auto server = std::make_unique<WebSocketServer>(f.loop, relay.mesh, f.server);
  auto port = server->listen("127.0.0.1", 0);
  REQUIRE(port);
  f.port = *port;
  WebSocketClient ca(f.loop, a.mesh, f.client);
  REQUIRE(ca.connect(f.url()));
  REQUIRE(f.pump_until([&] { return ca.status()[0].second; }));
  server.reset();  // the relay goes away
  REQUIRE(f.pump_until([&] { return !ca.status()[0].second; }));
  server = std::make_unique<WebSocketServer>(f.loop, relay.mesh, f.server);
  REQUIRE(server->listen("127.0.0.1", f.port));
  REQUIRE(f.pump_until([&] { return ca.status()[0].second; }));
  REQUIRE(a.mesh.write("back", {{"k", 1}}, {}));
  REQUIRE(
      f.pump_until([&] { return relay.store.get("back", "k").has_value(); }));
}

TEST_CASE("net: bad addresses and URLs are errors, not exceptions", "[net]") {
  Fixture f;
  Peer relay(f.scheduler);
  WebSocketServer server(f.loop, relay.mesh, f.server);
  CHECK(server.listen("not-an-ip", 0).status().code() ==
        Status::Code::kInvalidArgument);
  auto port = server.listen("127.0.0.1", 0);
  REQUIRE(port);
  WebSocketServer second(f.loop, relay.mesh, f.server);
  CHECK(second.listen("127.0.0.1", *port).status().code() ==
        Status::Code::kUnavailable);
  WebSocketClient client(f.loop, relay.mesh, f.client);
  for (const char* url :
       {"http://x/gun", "ws://", "ws://host:port/gun", "wss://"}) {
    INFO(url);
    CHECK(client.connect(url).code() == Status::Code::kInvalidArgument);
  }
}

// A self-signed certificate for 127.0.0.1 and localhost, made for this run
// with the openssl command (scripts/setup installs it).
struct SelfSigned {
  SelfSigned() {
    dir = std::filesystem::temp_directory_path() / "gunpp_net_tls";
    std::filesystem::create_directories(dir);
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
        "-nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
        (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() +
        "' 2>/dev/null";
    made = std::system(command.c_str()) == 0;
  }
  std::string cert() const { return (dir / "cert.pem").string(); }
  std::string key() const { return (dir / "key.pem").string(); }
  std::filesystem::path dir;
  bool made = false;
};

TEST_CASE("net: wss with a certificate the client trusts", "[net][tls]") {
  const SelfSigned tls;
  REQUIRE(tls.made);
  Fixture f;
  Peer relay(f.scheduler), a(f.scheduler), stranger(f.scheduler);
  ServerOptions server_options = f.server;
  server_options.tls_cert_file = tls.cert();
  server_options.tls_key_file = tls.key();
  WebSocketServer server(f.loop, relay.mesh, server_options);
  auto port = server.listen("127.0.0.1", 0);
  REQUIRE(port);
  const std::string url = "wss://127.0.0.1:" + std::to_string(*port) + "/gun";

  ClientOptions trusting = f.client;
  trusting.ca_file = tls.cert();
  WebSocketClient client(f.loop, a.mesh, trusting);
  REQUIRE(client.connect(url));
  REQUIRE(f.pump_until([&] { return client.status()[0].second; }));
  REQUIRE(a.mesh.write("secure", {{"k", "v"}}, {}));
  REQUIRE(
      f.pump_until([&] { return relay.store.get("secure", "k").has_value(); }));

  // Certificates are verified by default: the system's roots do not know
  // this one, so the handshake fails and nothing connects.
  WebSocketClient doubting(f.loop, stranger.mesh, f.client);
  REQUIRE(doubting.connect(url));
  f.loop.run_for(std::chrono::milliseconds(500));
  CHECK_FALSE(doubting.status()[0].second);
  CHECK(server.connections() == 1);
  bool refused = false;
  for (const auto& line : f.log)
    refused = refused || line.find("TLS") != std::string::npos;
  CHECK(refused);

  // A server whose key file does not exist says so.
  ServerOptions broken = server_options;
  broken.tls_key_file = (tls.dir / "missing.pem").string();
  WebSocketServer bad(f.loop, relay.mesh, broken);
  CHECK(bad.listen("127.0.0.1", 0).status().code() ==
        Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace gunpp
