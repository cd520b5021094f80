#include <chrono>
#include <set>
#include <utility>

#include "beast.hpp"
#include "gunpp/net.hpp"
#include "session.hpp"
#include "tls.hpp"

namespace gunpp {

namespace {
// Largest plain HTTP request read before deciding what it is.
constexpr std::size_t kMaxRequestBytes = 64 * 1024;
constexpr char kHealth[] = "gunpp relay: GUN over WebSocket at /gun\n";
// How long accepting pauses when the process is out of descriptors.
constexpr std::chrono::milliseconds kAcceptPause{100};

// An accept that fails for want of descriptors or memory: it would fail
// again at once for as long as the connection waits.
bool out_of_resources(const net::error_code& ec) {
  namespace errors = net::asio::error;
  return ec == errors::no_descriptors || ec == errors::no_buffer_space ||
         ec == errors::no_memory ||
         ec == boost::system::errc::too_many_files_open_in_system;
}

// The WebSocket stream an accepted connection's HTTP stream becomes: over
// TCP it frames and sends the mesh's messages itself (frame_stream.hpp);
// over TLS, Beast writes them.
template <typename HttpStream>
struct Upgraded {
  using type = net::websocket::stream<HttpStream>;
};
template <>
struct Upgraded<net::beast::tcp_stream> {
  using type = net::AcceptedWsStream;
};

}  // namespace

struct WebSocketServer::State
    : std::enable_shared_from_this<WebSocketServer::State> {
  State(NetLoop& l, Mesh& m, ServerOptions o)
      : loop(l),
        mesh(m),
        options(std::move(o)),
        acceptor(l.io()),
        accept_pause(l.io()) {}

  void accept() {
    acceptor.async_accept([self = shared_from_this()](net::error_code ec,
                                                      net::tcp::socket socket) {
      if (!self->acceptor.is_open()) return;
      if (out_of_resources(ec)) return self->pause_accepting(ec);
      if (!ec && std::exchange(self->accept_paused, false)) {
        net::log_line(self->options.log, "accept: accepting again");
      }
      if (!ec) net::send_immediately(socket);
      if (!ec && self->tls) {
        self->secure(std::move(socket));
      } else if (!ec) {
        self->serve(net::beast::tcp_stream(std::move(socket)));
      }
      self->accept();
    });
  }

  // Out of descriptors, accepting again at once would fail at once, in a
  // busy loop, while the connection waits in the backlog: pause instead,
  // and say so once.
  void pause_accepting(const net::error_code& ec) {
    if (!std::exchange(accept_paused, true)) {
      net::log_line(options.log,
                    "accept: " + ec.message() + "; trying again every 100 ms");
    }
    accept_pause.expires_after(kAcceptPause);
    accept_pause.async_wait([self = shared_from_this()](net::error_code e) {
      if (!e && self->acceptor.is_open()) self->accept();
    });
  }

  // wss://: the TLS handshake, then the same as ws://.
  void secure(net::tcp::socket socket) {
    auto stream = std::make_shared<net::TlsStream>(std::move(socket), *tls);
    net::beast::get_lowest_layer(*stream).expires_after(
        std::chrono::seconds(30));
    stream->async_handshake(
        net::asio::ssl::stream_base::server,
        [self = shared_from_this(), stream](net::error_code ec) {
          if (ec || !self->acceptor.is_open()) {
            if (ec) net::log_line(self->options.log, "TLS: " + ec.message());
            return;
          }
          self->serve(std::move(*stream));
        });
  }

  // Reads the HTTP request: a WebSocket upgrade on /gun joins the mesh,
  // anything else gets a plain answer.
  template <typename HttpStream>
  void serve(HttpStream stream) {
    struct Pending {
      explicit Pending(HttpStream s) : stream(std::move(s)) {}
      HttpStream stream;
      net::beast::flat_buffer buffer;
      net::http::request_parser<net::http::string_body> parser;
    };
    auto pending = std::make_shared<Pending>(std::move(stream));
    pending->parser.body_limit(kMaxRequestBytes);
    net::beast::get_lowest_layer(pending->stream)
        .expires_after(std::chrono::seconds(30));
    net::http::async_read(
        pending->stream, pending->buffer, pending->parser,
        [self = shared_from_this(), pending](net::error_code ec, std::size_t) {
          if (ec || !self->acceptor.is_open()) return;
          auto request = pending->parser.release();
          if (net::websocket::is_upgrade(request)) {
            self->upgrade(std::move(pending->stream), std::move(request));
          } else {
            self->answer(std::move(pending->stream), request);
          }
        });
  }

  template <typename HttpStream>
  void upgrade(HttpStream stream,
               net::http::request<net::http::string_body> request) {
    const std::string_view target = request.target();
    if (target.substr(0, target.find('?')) != "/gun") {
      answer(std::move(stream), request);
      return;
    }
    if (options.max_connections > 0) {
      prune();
      if (sessions.size() >= options.max_connections) {
        reply(std::move(stream), request,
              net::http::status::service_unavailable, "too many connections\n");
        return;
      }
    }
    using Ws = typename Upgraded<HttpStream>::type;
    auto ws = std::make_shared<Ws>(std::move(stream));
    ws->async_accept(
        request, [self = shared_from_this(), ws](net::error_code ec) {
          if (ec || !self->acceptor.is_open()) return;
          self->sessions.push_back(net::start_session(
              std::move(*ws), self->mesh, self->options.log, "",
              /*accepted=*/true, self->options.idle_timeout,
              [weak = std::weak_ptr<State>(self)] {
                if (auto state = weak.lock()) state->prune();
              }));
        });
  }

  // The file under web_root that `target` names, or "" when there is none
  // (or the target tries to leave the folder).
  std::string web_file(std::string_view target) const {
    if (options.web_root.empty()) return {};
    std::string path(target.substr(0, target.find('?')));
    if (path.empty() || path.front() != '/' ||
        path.find("..") != std::string::npos) {
      return {};
    }
    if (path.back() == '/') path += "index.html";
    return options.web_root + path;
  }

  static std::string_view content_type(std::string_view file) {
    const std::string_view ext = file.substr(file.rfind('.') + 1);
    if (ext == "html") return "text/html; charset=utf-8";
    if (ext == "js") return "text/javascript; charset=utf-8";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "json") return "application/json";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    return "application/octet-stream";
  }

  // Sends a file, if the request names one that can be opened.
  template <typename HttpStream>
  bool serve_file(HttpStream& stream,
                  const net::http::request<net::http::string_body>& request) {
    const std::string file = web_file(request.target());
    if (file.empty() || request.method() != net::http::verb::get) return false;
    net::http::file_body::value_type body;
    net::error_code ec;
    body.open(file.c_str(), net::beast::file_mode::scan, ec);
    if (ec) return false;
    auto response = std::make_shared<net::http::response<net::http::file_body>>(
        net::http::status::ok, request.version(), std::move(body));
    response->set(net::http::field::content_type, content_type(file));
    response->keep_alive(false);
    response->prepare_payload();
    send_and_close(std::move(stream), response);
    return true;
  }

  // Writes `response`, then ends the connection.
  template <typename HttpStream, typename Response>
  void send_and_close(HttpStream stream, std::shared_ptr<Response> response) {
    auto s = std::make_shared<HttpStream>(std::move(stream));
    net::http::async_write(*s, *response,
                           [s, response](net::error_code, std::size_t) {
                             net::error_code ignored;
                             net::beast::get_lowest_layer(*s).socket().shutdown(
                                 net::tcp::socket::shutdown_send, ignored);
                           });
  }

  template <typename HttpStream>
  void answer(HttpStream stream,
              const net::http::request<net::http::string_body>& request) {
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    if (request.method() != net::http::verb::get) {
      reply(std::move(stream), request, net::http::status::method_not_allowed,
            "method not allowed\n");
    } else if (path == "/health") {
      const Status s = options.health ? options.health() : Status::ok();
      reply(std::move(stream), request,
            s ? net::http::status::ok : net::http::status::service_unavailable,
            s ? std::string("ok\n") : s.message() + "\n");
    } else if (path == "/metrics" && options.metrics) {
      reply(std::move(stream), request, net::http::status::ok,
            options.metrics(), "text/plain; version=0.0.4");
    } else if (serve_file(stream, request)) {
      return;
    } else if (target == "/") {
      reply(std::move(stream), request, net::http::status::ok, kHealth);
    } else {
      reply(std::move(stream), request, net::http::status::not_found,
            "not found\n");
    }
  }

  template <typename HttpStream>
  void reply(HttpStream stream,
             const net::http::request<net::http::string_body>& request,
             net::http::status status, std::string body,
             const char* type = "text/plain") {
    auto response =
        std::make_shared<net::http::response<net::http::string_body>>();
    response->version(request.version());
    response->result(status);
    response->set(net::http::field::content_type, type);
    response->body() = std::move(body);
    response->keep_alive(false);
    response->prepare_payload();
    send_and_close(std::move(stream), response);
  }

  void prune() {
    std::erase_if(sessions, [](const std::shared_ptr<net::Connection>& s) {
      return s->closed();
    });
  }

  void close() {
    net::error_code ignored;
    acceptor.close(ignored);
    accept_pause.cancel();
    auto open = std::move(sessions);
    for (auto& session : open) session->detach();
  }

  NetLoop& loop;
  Mesh& mesh;
  ServerOptions options;
  net::tcp::acceptor acceptor;
  net::asio::steady_timer accept_pause;
  bool accept_paused = false;
  std::unique_ptr<net::asio::ssl::context> tls;  // set: wss:// only
  std::vector<std::shared_ptr<net::Connection>> sessions;
};

WebSocketServer::WebSocketServer(NetLoop& loop, Mesh& mesh,
                                 ServerOptions options)
    : state_(std::make_shared<State>(loop, mesh, std::move(options))) {}

WebSocketServer::~WebSocketServer() { close(); }

Result<std::uint16_t> WebSocketServer::listen(const std::string& host,
                                              std::uint16_t port) {
  net::error_code ec;
  const auto address = net::asio::ip::make_address(host, ec);
  if (ec) {
    return Status::invalid_argument("'" + host + "' is not an IP address");
  }
  if (!state_->options.tls_cert_file.empty()) {
    auto tls = net::server_tls(state_->options);
    if (!tls) return tls.status();
    state_->tls = std::move(*tls);
  }
  const net::tcp::endpoint where(address, port);
  auto& acceptor = state_->acceptor;
  const auto fail = [&](const char* step) {
    net::error_code ignored;
    acceptor.close(ignored);
    return Status::unavailable(std::string(step) + " " + host + ":" +
                               std::to_string(port) + ": " + ec.message());
  };
  if (acceptor.open(where.protocol(), ec); ec) return fail("cannot open");
  acceptor.set_option(net::asio::socket_base::reuse_address(true), ec);
  if (acceptor.bind(where, ec); ec) return fail("cannot bind");
  if (acceptor.listen(net::asio::socket_base::max_listen_connections, ec); ec) {
    return fail("cannot listen on");
  }
  state_->accept();
  return acceptor.local_endpoint().port();
}

void WebSocketServer::stop_accepting() {
  net::error_code ignored;
  state_->acceptor.close(ignored);
  state_->accept_pause.cancel();
}

void WebSocketServer::close() { state_->close(); }

std::size_t WebSocketServer::connections() const {
  state_->prune();
  return state_->sessions.size();
}

}  // namespace gunpp
