// What the C ABI's files share: the peer behind a gunpp_peer handle, the
// thread's last error, the guard that keeps exceptions inside, and the
// conversions between C's structs and the C++ API's types.
#ifndef GUNPP_SRC_C_C_API_HPP_
#define GUNPP_SRC_C_C_API_HPP_

#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/chain.hpp"
#include "gunpp/graph_store.hpp"
#include "gunpp/gunpp.h"
#include "gunpp/mesh.hpp"
#include "gunpp/net.hpp"
#include "gunpp/scheduler.hpp"
#include "gunpp/sea/signing.hpp"
#include "gunpp/sea/verifier.hpp"
#include "gunpp/status.hpp"
#include "gunpp/storage.hpp"
#include "gunpp/value.hpp"

// The handle: everything one embedded peer is made of, declared in the
// order it is built (and destroyed in reverse: the chain first, the
// storage last).
struct gunpp_peer {
  gunpp_peer(std::unique_ptr<gunpp::Storage> storage_in,
             const gunpp_options& options);

  std::unique_ptr<gunpp::Storage> storage;
  gunpp::Scheduler scheduler;
  gunpp::sea::SeaVerifier sea;
  gunpp::GraphStore store;
  gunpp::Mesh mesh;
  gunpp::NetLoop loop;
  gunpp::WebSocketClient client;
  std::unique_ptr<gunpp::WebSocketServer> server;
  gunpp::Chain chain;
  // Inside a pump call: pump calls and gunpp_close wait for its end.
  bool pumping = false;
  // gunpp_close was called from a callback: the pump closes on return.
  bool close_requested = false;
  // The destructor runs: callbacks it fires find the peer closed.
  bool closing = false;
};

namespace gunpp::c {

// Records `status` as this thread's last error; returns its code.
int fail(const Status& status);

// Runs `body` (returning an int status) with every exception turned into a
// status: the C side never sees one.
template <typename Body>
int guarded(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(Status::resource_exhausted("out of memory"));
  } catch (const std::exception& e) {
    return fail(Status::internal(e.what()));
  } catch (...) {
    return fail(Status::internal("unknown exception"));
  }
}

// The peer, usable: INVALID_ARGUMENT for NULL, CANCELLED while it closes.
Status check_peer(const gunpp_peer* peer);

// A gunpp_str as a view: INVALID_ARGUMENT for a NULL pointer with a size.
Result<std::string_view> view(gunpp_str s, std::string_view what);
// A required non-empty string.
Result<std::string_view> required(gunpp_str s, std::string_view what);

// A C value as a Value: INVALID_ARGUMENT for an unknown kind, a number that
// is not finite, an empty link.
Result<Value> value_of(const gunpp_value& v);
// A Value as a C value, borrowing its text.
gunpp_value c_value(const Value& v);
gunpp_str c_str(std::string_view s);

// A C pair as SEA's KeyPair (copied).
Result<sea::KeyPair> key_pair(const gunpp_pair& pair);

// Copies `text` into a buffer the caller frees with gunpp_buf_free.
Status copy_out(std::string_view text, gunpp_buf* out);

// Fields of a node, borrowed from it (valid while the node is), in `slots`
// order or all.
std::vector<gunpp_field> borrowed_fields(const Node& node);
std::vector<gunpp_field> borrowed_fields(const Node& node,
                                         std::span<const std::size_t> slots);

// A deep copy of `fields` of `soul` that the caller frees with
// gunpp_node_free.
gunpp_node* owned_node(std::string_view soul,
                       const std::vector<gunpp_field>& fields);

}  // namespace gunpp::c

// The extern "C" definitions live at global scope, as gunpp.h declares them.
using gunpp::Status;
using gunpp::c::fail;
using gunpp::c::guarded;

#endif  // GUNPP_SRC_C_C_API_HPP_
