// The net layer's one door to Boost (Asio, Beast) and, through Asio's SSL,
// to OpenSSL, with the names it uses from them. Private to src/net/.
#ifndef GUNPP_SRC_NET_BEAST_HPP_
#define GUNPP_SRC_NET_BEAST_HPP_

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace gunpp::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;
using WsStream = websocket::stream<beast::tcp_stream>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using TlsWsStream = websocket::stream<TlsStream>;

// Small frames leave at once, as with GUN.js's ws: without this, Nagle's
// algorithm holds a frame until the peer acks the previous one, which a
// peer that also writes delays until its own next frame.
inline void send_immediately(tcp::socket& socket) {
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
}

}  // namespace gunpp::net

#endif  // GUNPP_SRC_NET_BEAST_HPP_
