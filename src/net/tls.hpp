// TLS contexts for wss://, from ClientOptions and ServerOptions. Private to
// src/net/.
#ifndef GUNPP_SRC_NET_TLS_HPP_
#define GUNPP_SRC_NET_TLS_HPP_

#include <memory>

#include "beast.hpp"
#include "gunpp/net.hpp"
#include "gunpp/status.hpp"

namespace gunpp::net {

// For dialling: peers' certificates verified against ClientOptions::ca_file, or
// the system's trusted roots, unless verify_certificates is off. A CA file
// that cannot be read leaves no trusted root: every handshake then fails,
// with a log line.
std::unique_ptr<asio::ssl::context> client_tls(const ClientOptions& options);

// For serving wss://: the certificate chain and key of ServerOptions.
// InvalidArgument naming the file that cannot be used.
Result<std::unique_ptr<asio::ssl::context>> server_tls(
    const ServerOptions& options);

}  // namespace gunpp::net

#endif  // GUNPP_SRC_NET_TLS_HPP_
