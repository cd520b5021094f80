// GUN's chain API: paths of keys from a root soul, nested puts, sets, and
// reads that follow links (once, on, map), over a GraphStore and, when there
// is one, a Mesh that asks the peers for what the store lacks.
//
//   Chain gun(mesh);
//   gun.get("app").get("users").get("alice").put(
//       Data::object({{"name", "Alice"},
//                     {"address", Data::object({{"city", "Paris"}})}}),
//       [](const PutResult& r) { ... });
//   gun.get("chat").set(Data::object({{"msg", "hi"}}));
//   gun.get("chat").map().on([](const Item& item) { ... });
//
// Paths and souls, as GUN.js names them. A path [s, k1, ..., kn] starts at
// node s; each key leads through the link its field holds to the next node.
// Where a put finds no link on its way (no field, or one that is not a
// link), it writes one to GUN's soul for the node below: the soul of the node
// it is at, "/", and the key ("app/users/alice"). An object put nests the
// same way, and every field of one put carries one state.
//
// Reads. once() walks the path, asking the peers for each node or field the
// store lacks (one get per missing node, as GUN.js's chain does), and answers
// exactly once: found, or not found once the peers have answered and
// ChainOptions::wait has passed without news, or at the latest at
// ChainOptions::timeout. A once() sees every put made before it through the
// same Chain: it starts once they are merged into the store (or failed).
// on() answers every change along the path, following
// a link that is repointed; map() does the same for each item of a node,
// including items added later, and reads a large node a chunk per turn.
//
// Where gunpp differs from GUN.js's chain (docs/chain.md): once() always
// answers (GUN.js #1137), consecutive once() calls each answer (#805),
// map().on() sees the first item added to an empty node (#917).
//
// Threading: the pumping thread only; every callback runs from the pump.
// An operation holds souls and keys across turns, never a Node pointer.
// Destroying the Chain drops every operation not yet answered, silently.
#ifndef GUNPP_CHAIN_HPP_
#define GUNPP_CHAIN_HPP_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/graph_store.hpp"
#include "gunpp/mesh.hpp"
#include "gunpp/status.hpp"
#include "gunpp/value.hpp"

namespace gunpp {

// What put() writes at a path: a GUN value (string, number, bool, null to
// delete, a link), or an object whose members nest into linked nodes.
class Data {
 public:
  using Members = std::vector<std::pair<std::string, Data>>;

  Data(Value value) : value_(std::move(value)) {}  // NOLINT
  Data(const char* s) : value_(s) {}               // NOLINT
  Data(std::string s) : value_(std::move(s)) {}    // NOLINT
  Data(double n) : value_(n) {}                    // NOLINT
  Data(int n) : value_(n) {}                       // NOLINT
  Data(bool b) : value_(b) {}                      // NOLINT
  Data(std::nullptr_t) {}                          // NOLINT

  // An object; of two members of one name, the last wins.
  static Data object(Members members);

  bool is_object() const { return members_ != nullptr; }
  const Value& value() const { return value_; }         // when not an object
  const Members& members() const { return *members_; }  // when an object

 private:
  Data() = default;
  Value value_;
  std::shared_ptr<const Members> members_;
};

struct ChainOptions {
  // How long a read waits without news after the peers' last answer before
  // it says what it has ("not found" when nothing); GUN.js's once waits 99.
  std::chrono::milliseconds wait{99};
  // A read answers at the latest after this long.
  std::chrono::milliseconds timeout{3000};
  // A put says acked=false when no peer acked it within this long.
  std::chrono::milliseconds put_timeout{9000};
  // Items of a node that map() reads per turn: the 9 of the store's own
  // turns, so that no turn of a map is longer than a turn of a put
  // (BM_ChainMapTurns).
  std::size_t items_per_turn = 9;
  // Most nodes one once() with a depth reads below its own.
  std::size_t max_linked_nodes = 10000;
  // How reads see a stored value of `soul` (links are followed as it
  // shows them); unset, as stored. Reading user data:
  // gunpp::sea::open_value, which opens SEA's signed envelopes.
  std::function<Value(std::string_view soul, const Value& stored)> open;
};

// Turns the delta a put on a user's chain builds into the delta it writes:
// SEA signs every field (gunpp::sea::sign_delta with the user's pair).
using DeltaSigner = std::function<Result<Graph>(const Graph& delta)>;

// What a read found at a path: a primitive (`value`), or a node (`soul` and
// its `fields`, links left as links, deleted keys as null).
struct Snapshot {
  bool found = false;
  std::optional<std::string> soul;                    // set for a node
  Value value;                                        // when no soul
  std::vector<std::pair<std::string, Value>> fields;  // when a soul
  // once() with a depth: the nodes links in `fields` lead to, by key, each
  // read to one level less; a link not followed (the depth is spent, its
  // node is missing, or it leads back to a node above) has no entry.
  std::vector<std::pair<std::string, Snapshot>> linked;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

// One item of a map(): its key in the mapped node and what it holds.
struct Item {
  std::string key;
  Snapshot snapshot;
};

struct PutResult {
  Status error;        // why the put was not applied (nothing was written)
  bool acked = false;  // a peer acked it (always false without a mesh)
  std::string soul;    // the node the put wrote into; set() names its node
};

using PutDone = std::function<void(const PutResult&)>;
using OnceDone = std::function<void(const Snapshot&)>;
using OnItem = std::function<void(const Item&)>;

class Chain;

// A path. Cheap to copy. Every operation fails with InvalidArgument when a
// soul or key of the path is empty, and with Cancelled once its Chain is
// gone (on() then returns 0).
class Ref {
 public:
  // The path one key further.
  Ref get(std::string key) const;
  // The path `n` keys shorter; at the root soul it stays there.
  Ref back(std::size_t n = 1) const;
  // Items of the node at this path: once() and on() then answer per item.
  Ref map() const;

  const std::vector<std::string>& path() const { return path_; }
  bool mapped() const { return mapped_; }

  // Writes `data` here; `done` fires exactly once: at a peer's ack, or with
  // acked=false after `timeout` (ChainOptions::put_timeout when not given;
  // at once when there is no mesh). InvalidArgument (done not called) for a
  // put on a mapped path, or a non-object put on a root soul; the store's
  // errors through `done`.
  Status put(Data data, PutDone done = {},
             std::optional<std::chrono::milliseconds> timeout = {}) const;
  // Adds a node with a generated soul (returned) holding `object` to the
  // node here, keyed and linked by its soul. InvalidArgument for a value
  // that is not an object, or a mapped path.
  Result<std::string> set(
      Data object, PutDone done = {},
      std::optional<std::chrono::milliseconds> timeout = {}) const;
  // Adds a link to the node at `item`'s path, keyed by its soul; `done` gets
  // NotFound when that path names no node.
  Status set(const Ref& item, PutDone done = {}) const;

  // The value at this path, exactly once. With a `depth`, a node comes with
  // the nodes its links lead to, `depth` links deep (Snapshot::linked), each
  // asked of the peers when missing; a cycle is cut where it closes, and at
  // most ChainOptions::max_linked_nodes nodes are read. InvalidArgument on a
  // mapped path.
  Status once(OnceDone done, std::size_t depth = 0) const;
  // Mapped: each item of the node that is there within the read, then
  // `done` once. InvalidArgument on a path that is not mapped.
  Status once(OnItem each, std::function<void()> done) const;
  // Every change at this path, from what is there now on, until
  // Chain::off(id): unmapped, the whole value again (Item::key is the last
  // key of the path) whenever it differs from what was said last; mapped,
  // each item that changes (an item whose link is removed comes with
  // found=false).
  std::uint64_t on(OnItem each) const;

 private:
  friend class Chain;
  Ref(std::shared_ptr<class ChainCore> core, std::vector<std::string> path,
      bool mapped, std::shared_ptr<const DeltaSigner> signer);
  std::shared_ptr<ChainCore> core_;
  std::vector<std::string> path_;
  bool mapped_ = false;
  std::shared_ptr<const DeltaSigner> signer_;  // a user's chain
};

class Chain {
 public:
  // Local only: reads and writes the store; puts are never acked.
  explicit Chain(GraphStore& store, ChainOptions options = {});
  // Through a mesh: missing nodes are asked of its peers, puts sent to them.
  explicit Chain(Mesh& mesh, ChainOptions options = {});
  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;
  ~Chain();

  // The path [soul].
  Ref get(std::string soul) const;
  // The path ["~" + pub], a user's space, whose puts (and those of every
  // path below it) go through `sign` before they are written; the soul
  // names below it are GUN's ("~pub/profile"), as user.get() makes them.
  // Reading it wants ChainOptions::open.
  Ref user(const std::string& pub, DeltaSigner sign) const;
  // Ends a subscription of on(); false when unknown.
  bool off(std::uint64_t id);

  // Exceptions thrown by this chain's callbacks, caught and dropped (the
  // rule in scheduler.hpp).
  std::uint64_t callback_exceptions() const;

 private:
  std::shared_ptr<ChainCore> core_;
};

}  // namespace gunpp

#endif  // GUNPP_CHAIN_HPP_
