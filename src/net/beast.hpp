// The net layer's one door to Boost: Asio and Beast, and the names it uses
// from them. Private to src/net/.
#ifndef GUNPP_SRC_NET_BEAST_HPP_
#define GUNPP_SRC_NET_BEAST_HPP_

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace gunpp::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;
using WsStream = websocket::stream<beast::tcp_stream>;

}  // namespace gunpp::net

#endif  // GUNPP_SRC_NET_BEAST_HPP_
