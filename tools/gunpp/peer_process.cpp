#include "peer_process.hpp"

namespace gunpp::cli {

namespace {

std::function<void(std::string_view)> log_to(std::ostream& err) {
  return [&err](std::string_view line) { err << "gunpp: " << line << '\n'; };
}

MeshOptions mesh_options(
    std::ostream& err,
    std::function<void(std::function<void()>)> read_barrier) {
  MeshOptions options;
  options.log = log_to(err);
  options.read_barrier = std::move(read_barrier);
  return options;
}

ClientOptions client_options_for(std::ostream& err,
                                 const std::string& ca_file) {
  ClientOptions options;
  options.log = log_to(err);
  options.ca_file = ca_file;
  return options;
}

StoreOptions store_options(Storage* storage, PutVerifier* verifier) {
  StoreOptions options;
  options.storage = storage;
  options.verifier = verifier;
  return options;
}

}  // namespace

PeerProcess::PeerProcess(
    std::ostream& err_stream, const std::string& ca_file, Storage* storage,
    bool verify_sea, std::function<void(std::function<void()>)> read_barrier)
    : err(&err_stream),
      client_options(client_options_for(err_stream, ca_file)),
      scheduler(SystemClock::instance()),
      store(scheduler, store_options(storage, verify_sea ? &sea : nullptr)),
      mesh(store, mesh_options(err_stream, std::move(read_barrier))),
      loop(scheduler),
      client(loop, mesh, client_options) {}

bool PeerProcess::dial(const std::vector<std::string>& urls) {
  for (const std::string& url : urls) {
    if (Status s = client.connect(url); !s) {
      *err << "gunpp: " << s.message() << '\n';
      return false;
    }
  }
  return true;
}

}  // namespace gunpp::cli
