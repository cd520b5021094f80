#include "tls.hpp"

#include "session.hpp"

namespace gunpp::net {

std::unique_ptr<asio::ssl::context> client_tls(const ClientOptions& options) {
  auto context =
      std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  error_code ec;
  if (!options.verify_certificates) {
    context->set_verify_mode(asio::ssl::verify_none);
    return context;
  }
  context->set_verify_mode(asio::ssl::verify_peer);
  if (options.ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    log_line(options.log,
             "cannot load trusted certificates" +
                 (options.ca_file.empty() ? std::string()
                                          : " from " + options.ca_file) +
                 ": " + ec.message());
  }
  return context;
}

Result<std::unique_ptr<asio::ssl::context>> server_tls(
    const ServerOptions& options) {
  auto context =
      std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  error_code ec;
  context->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return Status::invalid_argument("certificate '" + options.tls_cert_file +
                                    "': " + ec.message());
  }
  context->use_private_key_file(options.tls_key_file, asio::ssl::context::pem,
                                ec);
  if (ec) {
    return Status::invalid_argument("private key '" + options.tls_key_file +
                                    "': " + ec.message());
  }
  return context;
}

}  // namespace gunpp::net
