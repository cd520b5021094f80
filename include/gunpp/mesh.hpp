// Mesh: a GUN peer among many peers, over one GraphStore, with no sockets.
//
// A transport (WebSocket server or client, a test harness) adds a peer for
// each connection with a function that sends one text frame to it, hands
// every frame it receives to receive(), and removes the peer when the
// connection closes. The mesh speaks GUN's DAM protocol as GUN.js
// 0.2020.1241 does (docs/network.md):
//
//  - hello: a peer we accepted hears {"#":id,"dam":"?","pid":<our pid>}
//    first; a "?" without "@" is answered with our pid and "@"; both are
//    optional. "dam" messages are hop-local: handled or ignored, never
//    relayed.
//  - dedup: one memory of message ids across all peers (DedupOptions), so a
//    message that arrives over two paths is handled once.
//  - routing: every valid put and get is applied or answered locally and
//    relayed to every other peer: never back to its sender, never to the
//    peers named in its "><", with our own "><" added when we have more than
//    one peer. An invalid put gets an "err" ack and goes nowhere.
//  - replies ("@"): go only to the peer the original came from, remembered
//    for `trail`; a reply we have already passed on with the same "##" is
//    dropped; replies to our own requests complete them. Puts in replies are
//    merged into the store.
//  - replies built from our store carry "##", GUN's hash of their put.
//  - batching: after a quiet period a message goes out alone; messages to
//    the same peer in the same scheduler turn follow as one JSON array of at
//    most `batch_bytes`. Every `heartbeat` each peer gets "[]".
//  - bounds: a peer whose transport reports more than `max_unsent_bytes`
//    waiting is disconnected, with a log line.
//
// The application API: put() writes locally and to every peer, and calls
// back exactly once (first ack, or timeout); fetch() asks every peer for a
// soul or a field, merges every reply through HAM and completes on a
// definite rule; subscribe() watches a soul locally and asks the peers for
// it, again after every new connection.
//
// Thread safety: as GraphStore; the pumping thread only. The store and its
// scheduler must outlive the mesh. Callbacks given to the mesh run from the
// pump, never from inside the call that registered them; an exception one
// throws is caught and counted in MeshStats::callback_exceptions
// (scheduler.hpp's rule), also when the destructor completes them.
#ifndef GUNPP_MESH_HPP_
#define GUNPP_MESH_HPP_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gunpp/graph.hpp"
#include "gunpp/graph_store.hpp"
#include "gunpp/status.hpp"
#include "gunpp/wire/wire_protocol.hpp"

namespace gunpp {

struct MeshOptions {
  // Frame and message limits, dedup bounds, reply chunk size.
  WireProtocolOptions protocol;
  // Our peer id in "dam" hellos and "><"; empty means 9 random characters.
  std::string pid;
  // How long the sender of a message is remembered, to route its replies.
  std::chrono::milliseconds trail{9000};
  // Most messages remembered in the trail; the oldest go first.
  std::size_t max_trail = 100000;
  // Largest batch of messages sent to one peer as one array frame, in bytes
  // (GUN.js's opt.pack). A single larger message goes alone.
  std::size_t batch_bytes = 9000;
  // "[]" to every peer this often (GUN.js: 20 s); 0 turns it off.
  std::chrono::milliseconds heartbeat{20000};
  // Called before the mesh answers (and passes on) a peer's get; the get
  // is handled when `proceed` is called, from the pump, unless the peer
  // has gone by then. A relay of a cluster catches up with the other
  // relays' commits there (docs/scaling.md). Unset: gets are answered at
  // once.
  std::function<void(std::function<void()> proceed)> read_barrier;
  // A peer whose transport holds more unsent bytes than this is
  // disconnected (a slow consumer must not grow memory without bound).
  std::size_t max_unsent_bytes = 64 * 1024 * 1024;
  // Receives one line per notable event (connects, disconnects, refusals).
  std::function<void(std::string_view line)> log;
};

using PeerId = std::uint64_t;

// One text frame for a peer: the JSON text of one message or of an array of
// messages, held as immutable pieces to be written one after the other. A
// message that goes to many peers is one shared buffer that each peer's
// frame points at: the mesh copies nothing per peer, and a transport can
// hand the pieces to one gathered write. Cheap to copy (shared pointers).
class OutFrame {
 public:
  using Piece = std::shared_ptr<const std::string>;

  OutFrame() = default;
  // A frame of one piece.
  explicit OutFrame(Piece whole);
  explicit OutFrame(std::string whole);

  // Appends `piece` (not null) to the frame's text.
  void append(Piece piece);

  // Valid until the frame changes.
  std::span<const Piece> pieces() const {
    return spilled_.empty() ? std::span<const Piece>(inline_.data(), count_)
                            : std::span<const Piece>(spilled_);
  }
  // Bytes of text over all pieces.
  std::size_t size() const { return size_; }
  // The whole text, copied into one string.
  std::string text() const;

 private:
  // A message alone, bracketed or not, needs no allocation.
  std::array<Piece, 3> inline_;
  std::vector<Piece> spilled_;  // all the pieces, once there are more
  std::size_t count_ = 0;
  std::size_t size_ = 0;
};

// What a transport tells the mesh about a connection.
struct PeerLink {
  std::string url;        // for a peer we dialled; empty for one we accepted
  bool accepted = false;  // we accepted it: we say hello first
  // Queues one text frame for the peer (the transport keeps the pieces
  // alive until written); returns the bytes it now holds unsent (0 when
  // sending is synchronous).
  std::function<std::size_t(OutFrame&& frame)> send;
  // Asks the transport to close the connection; it calls remove_peer().
  std::function<void(std::string_view reason)> close;
};

struct PeerInfo {
  PeerId id;
  std::string url;
  std::string pid;  // empty until its hello
  bool accepted;
};

// How a put through the mesh ended.
struct PutOutcome {
  bool acked = false;  // a peer answered with "ok" or "err" before timeout
  std::string ack;     // that answer's JSON text, when acked
  Status error;        // the answer's "err", or why the put was refused
};
using PutOutcomeCallback = std::function<void(const PutOutcome&)>;

struct FetchRequest {
  std::string soul;
  std::optional<std::string> key;  // one field, else the whole node
  std::size_t expect = 0;          // done once this many data keys are known
  // Done after this long without news (0: off).
  std::chrono::milliseconds settle{0};
  // Done at the latest after this long.
  std::chrono::milliseconds timeout{9000};
};

// Why a fetch completed.
enum class FetchEnd { kExpect, kSettle, kTimeout };
std::string_view to_string(FetchEnd end);

struct FetchOutcome {
  FetchEnd why;
  std::size_t replies = 0;  // reply messages merged
};
using FetchCallback = std::function<void(const FetchOutcome&)>;

struct MeshStats {
  // Exceptions thrown by the callbacks given to the mesh, caught and
  // dropped.
  std::uint64_t callback_exceptions = 0;
  std::uint64_t frames_in = 0;     // frames received
  std::uint64_t messages_in = 0;   // messages in them
  std::uint64_t frames_out = 0;    // frames handed to peers' transports
  std::uint64_t puts_acked = 0;    // peers' puts answered "ok"
  std::uint64_t puts_refused = 0;  // peers' puts answered with an error
  // Bytes the transports hold unsent, over all peers, as they last said.
  std::uint64_t unsent_bytes = 0;
};

class Mesh {
 public:
  explicit Mesh(GraphStore& store, MeshOptions options = {});
  Mesh(const Mesh&) = delete;
  Mesh& operator=(const Mesh&) = delete;
  // Completes pending puts (not acked) and fetches (timeout) at once.
  ~Mesh();

  // Transport side.
  PeerId add_peer(PeerLink link);
  void remove_peer(PeerId peer);
  // Handles one frame from `peer`. A frame that is not JSON gets
  // {"dam":"!","err":...}; everything else is as described above.
  void receive(PeerId peer, std::string_view frame);
  // The same, decoding the frame where it lies: `frame` stays readable for
  // kFramePadding bytes past its end (PaddedFrame), so it is not copied.
  void receive(PeerId peer, PaddedFrame frame);

  // Application side.
  // Applies `delta` to the store (the same errors as GraphStore::put) and
  // sends it to every peer, and to peers that connect before `timeout`;
  // `done` fires exactly once: at the first ack, or with acked=false after
  // `timeout` (also when there is no peer). `merged`, when given, is the
  // store's own callback (GraphStore::put's): the put merged here.
  Status put(Graph delta, PutOutcomeCallback done,
             std::chrono::milliseconds timeout = std::chrono::seconds(9),
             PutCallback merged = {});
  // Local write with the state clock, then as put().
  Status write(std::string_view soul,
               std::vector<std::pair<std::string, Value>> fields,
               PutOutcomeCallback done,
               std::chrono::milliseconds timeout = std::chrono::seconds(9));
  // Merges changes another process committed to the store's storage
  // (GraphStore::merge_committed: a cluster's change feed) and sends them
  // to every peer as one put, as the mesh passes on a peer's put; no ack is
  // awaited. Errors as merge_committed(), and then nothing is sent; `done`
  // fires once the store has merged them (as GraphStore::put's).
  Status publish_committed(Graph delta, PutCallback done = {});
  // Asks every peer; merges replies into the store; `done` fires once.
  // InvalidArgument for an empty soul.
  Status fetch(FetchRequest request, FetchCallback done);
  // Watches `soul` in the store and asks every peer for it, now and after
  // every new connection, so updates keep flowing across reconnects.
  SubscriptionId subscribe(std::string soul, ChangeCallback on_change);
  bool unsubscribe(SubscriptionId id);

  const std::string& pid() const;
  std::vector<PeerInfo> peers() const;
  GraphStore& store() const;
  const MeshStats& stats() const;
  // The bounds on what peers send (MeshOptions::protocol.limits); a
  // transport reads frames up to max_frame_bytes.
  const WireLimits& limits() const;

  // The implementation, defined inside the library.
  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gunpp

#endif  // GUNPP_MESH_HPP_
