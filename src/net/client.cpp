#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "beast.hpp"
#include "gunpp/net.hpp"
#include "session.hpp"
#include "tls.hpp"

namespace gunpp {

namespace {

struct Url {
  bool secure;  // wss://
  std::string host;
  std::string port;
  std::string path;
};

// ws://host[:port][/path] or wss://...; the path defaults to /gun.
Result<Url> parse_url(std::string_view url) {
  const bool secure = url.substr(0, 6) == "wss://";
  if (!secure && url.substr(0, 5) != "ws://") {
    return Status::invalid_argument("'" + std::string(url) +
                                    "': not a ws:// or wss:// URL");
  }
  std::string_view rest = url.substr(secure ? 6 : 5);
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  Url out;
  out.secure = secure;
  out.path = slash == std::string_view::npos ? "/gun"
                                             : std::string(rest.substr(slash));
  const std::size_t colon = authority.rfind(':');
  out.host = std::string(authority.substr(0, colon));
  out.port = colon == std::string_view::npos
                 ? (secure ? "443" : "80")
                 : std::string(authority.substr(colon + 1));
  if (out.host.empty() || out.port.empty() ||
      out.port.find_first_not_of("0123456789") != std::string::npos) {
    return Status::invalid_argument("'" + std::string(url) +
                                    "' is not ws[s]://host[:port][/path]");
  }
  return out;
}

}  // namespace

// One URL the client keeps dialling.
struct Dial {
  std::string url;
  Url where;
  std::shared_ptr<net::Connection> session;
  int failures = 0;
  std::unique_ptr<net::asio::steady_timer> retry;
};

struct WebSocketClient::State
    : std::enable_shared_from_this<WebSocketClient::State> {
  State(NetLoop& l, Mesh& m, ClientOptions o)
      : loop(l), mesh(m), options(std::move(o)), resolver(l.io()) {}

  void dial(std::size_t index) {
    if (closing) return;
    const Url& where = dials[index]->where;
    if (where.secure) {
      // Made at the first wss:// dial: loading the trusted roots takes tens
      // of milliseconds, which a client of ws:// peers alone never pays.
      if (!tls) tls = net::client_tls(options);
      auto ws = std::make_shared<net::TlsWsStream>(loop.io(), *tls);
      // SNI, and the name the certificate must carry.
      SSL_set_tlsext_host_name(ws->next_layer().native_handle(),
                               where.host.c_str());
      ws->next_layer().set_verify_callback(
          net::asio::ssl::host_name_verification(where.host));
      connect(index, ws);
    } else {
      connect(index, std::make_shared<net::WsStream>(loop.io()));
    }
  }

  template <typename Stream>
  void connect(std::size_t index, const std::shared_ptr<Stream>& ws) {
    const Url& where = dials[index]->where;
    resolver.async_resolve(
        where.host, where.port,
        [self = shared_from_this(), index, ws](
            net::error_code ec, net::tcp::resolver::results_type results) {
          if (self->closing) return;
          if (ec) return self->failed(index, "resolve: " + ec.message());
          auto& tcp = net::beast::get_lowest_layer(*ws);
          tcp.expires_after(std::chrono::seconds(10));
          tcp.async_connect(results, [self, index, ws](
                                         net::error_code ec2,
                                         const net::tcp::endpoint&) {
            if (self->closing) return;
            if (ec2) return self->failed(index, "connect: " + ec2.message());
            net::send_immediately(net::beast::get_lowest_layer(*ws).socket());
            self->secure_then_handshake(index, ws);
          });
        });
  }

  void secure_then_handshake(std::size_t index,
                             const std::shared_ptr<net::WsStream>& ws) {
    handshake(index, ws);
  }

  void secure_then_handshake(std::size_t index,
                             const std::shared_ptr<net::TlsWsStream>& ws) {
    ws->next_layer().async_handshake(
        net::asio::ssl::stream_base::client,
        [self = shared_from_this(), index, ws](net::error_code ec) {
          if (self->closing) return;
          if (ec) return self->failed(index, "TLS: " + ec.message());
          self->handshake(index, ws);
        });
  }

  template <typename Stream>
  void handshake(std::size_t index, const std::shared_ptr<Stream>& ws) {
    const Dial& d = *dials[index];
    net::beast::get_lowest_layer(*ws).expires_never();
    ws->async_handshake(
        d.where.host + ":" + d.where.port, d.where.path,
        [self = shared_from_this(), index, ws](net::error_code ec) {
          if (self->closing) return;
          if (ec) return self->failed(index, "handshake: " + ec.message());
          Dial& dial = *self->dials[index];
          dial.failures = 0;
          net::log_line(self->options.log, "connected to " + dial.url);
          dial.session = net::start_session(
              std::move(*ws), self->mesh, self->options.log, dial.url,
              /*accepted=*/false, self->options.idle_timeout,
              [weak = std::weak_ptr<State>(self), index] {
                if (auto state = weak.lock()) state->failed(index, "closed");
              });
        });
  }

  // Schedules the next attempt: reconnect_initial, doubling, capped,
  // jittered.
  void failed(std::size_t index, const std::string& why) {
    if (closing) return;
    Dial& d = *dials[index];
    d.session.reset();
    const double base =
        std::min(static_cast<double>(options.reconnect_max.count()),
                 static_cast<double>(options.reconnect_initial.count()) *
                     std::pow(2.0, std::min(d.failures, 20)));
    ++d.failures;
    std::uniform_real_distribution<double> jitter(-options.reconnect_jitter,
                                                  options.reconnect_jitter);
    const double wait = base * (1 + jitter(random));
    net::log_line(options.log, "peer " + d.url + ": " + why + "; retrying in " +
                                   std::to_string(static_cast<long>(wait)) +
                                   " ms");
    d.retry = std::make_unique<net::asio::steady_timer>(
        loop.io(), std::chrono::milliseconds(static_cast<long long>(wait)));
    d.retry->async_wait([self = shared_from_this(), index](net::error_code ec) {
      if (!ec) self->dial(index);
    });
  }

  void close() {
    closing = true;
    resolver.cancel();
    for (auto& d : dials) {
      if (d->retry) d->retry->cancel();
      if (d->session) std::exchange(d->session, nullptr)->detach();
    }
  }

  NetLoop& loop;
  Mesh& mesh;
  ClientOptions options;
  net::tcp::resolver resolver;
  std::unique_ptr<net::asio::ssl::context> tls;  // for wss://, made lazily
  std::vector<std::unique_ptr<Dial>> dials;
  std::mt19937 random{std::random_device{}()};
  bool closing = false;
};

WebSocketClient::WebSocketClient(NetLoop& loop, Mesh& mesh,
                                 ClientOptions options)
    : state_(std::make_shared<State>(loop, mesh, std::move(options))) {}

WebSocketClient::~WebSocketClient() { close(); }

Status WebSocketClient::connect(const std::string& url) {
  auto where = parse_url(url);
  if (!where) return where.status();
  auto dial = std::make_unique<Dial>();
  dial->url = url;
  dial->where = std::move(*where);
  state_->dials.push_back(std::move(dial));
  state_->dial(state_->dials.size() - 1);
  return Status::ok();
}

std::vector<std::pair<std::string, bool>> WebSocketClient::status() const {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& d : state_->dials) {
    out.emplace_back(d->url, d->session != nullptr && !d->session->closed());
  }
  return out;
}

void WebSocketClient::close() { state_->close(); }

}  // namespace gunpp
