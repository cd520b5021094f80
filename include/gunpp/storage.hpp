// Storage: the seam under a GraphStore that keeps its graph beyond memory.
//
//   auto db = gunpp::SqliteStorage::open("graph.db");
//   if (!db) ...                            // db.status() says why
//   gunpp::StoreOptions options;
//   options.storage = db->get();            // must outlive the store
//   gunpp::GraphStore store(scheduler, options);
//
// The store stays the owner of the graph's semantics (HAM, turns,
// callbacks); a Storage only loads what was committed and commits what the
// store hands it. Converged fields and parked (future-state) fields collect
// in a WriteBatch and reach the Storage in one commit at a time (group
// commit, see StoreOptions::commit_every_turns). A put's callback, and so the
// wire's "ok" ack, fires only after the commit that holds its last field.
//
// Implementations: SqliteStorage (gunpp/sqlite_storage.hpp, the storage
// layer). The core itself only knows this interface.
//
// Thread safety: a Storage is used by one GraphStore, from the thread that
// pumps its Scheduler.
#ifndef GUNPP_STORAGE_HPP_
#define GUNPP_STORAGE_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gunpp/graph.hpp"
#include "gunpp/node.hpp"
#include "gunpp/status.hpp"

namespace gunpp {

// What a commit promises once it returns OK.
enum class Durability {
  kNone,     // written to the file, not synced: a crash of the process loses
             // nothing, a crash of the machine may lose recent commits
  kBatched,  // synced at every group commit (the default)
  kPerPut,   // like kBatched, and a commit as soon as any put completes
};

// The writes of one commit, in the order the store made them.
class WriteBatch {
 public:
  struct Put {  // a converged field
    std::string soul;
    Field field;
  };
  struct Park {  // a field from the future, parked under `id`
    std::uint64_t id;
    std::string soul;
    Field field;
  };

  void put(std::string_view soul, Field field) {
    puts_.push_back(Put{std::string(soul), std::move(field)});
  }
  void park(std::uint64_t id, std::string_view soul, Field field) {
    parks_.push_back(Park{id, std::string(soul), std::move(field)});
  }
  // The parked field `id` came due (it is gone, or in puts() once it
  // converges).
  void unpark(std::uint64_t id) { unparks_.push_back(id); }

  const std::vector<Put>& puts() const { return puts_; }
  const std::vector<Park>& parks() const { return parks_; }
  const std::vector<std::uint64_t>& unparks() const { return unparks_; }

  std::size_t size() const {
    return puts_.size() + parks_.size() + unparks_.size();
  }
  bool empty() const { return size() == 0; }
  void clear() {
    puts_.clear();
    parks_.clear();
    unparks_.clear();
  }

 private:
  std::vector<Put> puts_;
  std::vector<Park> parks_;
  std::vector<std::uint64_t> unparks_;
};

class Storage {
 public:
  using ParkedFn =
      std::function<void(std::uint64_t id, std::string_view soul, Field field)>;
  using NodeFn = std::function<void(std::string_view soul, const Node& node)>;

  virtual ~Storage() = default;

  // Appends to `fields` the committed fields of `soul` whose keys sort
  // after `after` in byte order (all of them when `after` is empty: no key
  // is empty), in byte order of their keys, at most `limit` of them (0: no
  // limit). Fewer than `limit` appended means none is left: a store loads a
  // large node `limit` fields a turn, resuming after the last key it got.
  // IOError or Corruption when the file cannot be read.
  virtual Status load_fields(std::string_view soul, std::string_view after,
                             std::size_t limit, std::vector<Field>& fields) = 0;

  // Replaces `node` with every committed field of `soul` (none when the soul
  // was never stored). Errors as load_fields().
  Status load_node(std::string_view soul, Node& node) {
    std::vector<Field> fields;
    Status s = load_fields(soul, {}, 0, fields);
    node = Node(std::move(fields));
    return s;
  }

  // Sets `field` to the committed field `key` of `soul`, or nullopt when
  // there is none. Errors as load_fields().
  virtual Status load_field(std::string_view soul, std::string_view key,
                            std::optional<Field>& field) = 0;

  // Calls `fn` for every parked field committed and not yet unparked, with
  // the id the store is to unpark it by: the id it was parked under, or
  // one the storage chose (a database shared by several stores names its
  // parked fields itself).
  virtual Status load_parked(const ParkedFn& fn) = 0;

  // Calls `fn` for every committed node, one at a time (only one node is in
  // memory at once), souls in byte order; stops at the first error.
  virtual Status for_each_node(const NodeFn& fn) = 0;

  // Applies `batch` atomically: puts in order (a later put of the same soul
  // and key replaces an earlier one), then parks, then unparks. Either all
  // of it is committed, with the promise of durability(), or none of it.
  // IOError (a full disk, a read-only file) or Corruption otherwise.
  virtual Status commit(const WriteBatch& batch) = 0;

  virtual Durability durability() const = 0;
};

}  // namespace gunpp

#endif  // GUNPP_STORAGE_HPP_
