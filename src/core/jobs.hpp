// The store's kinds of turn-sliced work: ingesting a put, walking a node in
// chunks, and loading a large node from storage.
#ifndef GUNPP_SRC_CORE_JOBS_HPP_
#define GUNPP_SRC_CORE_JOBS_HPP_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "node_writer.hpp"
#include "store_impl.hpp"

namespace gunpp::detail {

// Feeds a delta to HAM, StoreOptions::keys_per_turn fields a turn; the budget
// spans node boundaries. An index cursor (node, field) makes resuming O(1).
class IngestJob final : public Job {
 public:
  // `reserved`: deferral room the put reserved for its future fields.
  // `committed`: storage holds these fields already (nothing is written
  // back).
  IngestJob(std::vector<NodeDelta> nodes, std::size_t reserved,
            PutCallback done, bool committed = false)
      : nodes_(std::move(nodes)),
        reserved_(reserved),
        done_(std::move(done)),
        committed_(committed) {}

  Turn run_turn(GraphStore::Impl& store) override;
  void cancel(GraphStore::Impl& store) override;

  // The fields not yet resolved of the node the next turn starts in.
  std::span<const Field> pending_fields() const;

 private:
  void resolve_field(GraphStore::Impl& store, Node*& target, Field& field,
                     double now);
  // Moves past the current node, all of whose fields have been resolved.
  void next_node();
  void prefetch(const Node* target, std::size_t budget);
  void release_reservation(GraphStore::Impl& store);

  std::vector<NodeDelta> nodes_;
  std::size_t node_index_ = 0;
  // The current node: its soul hashed once, the node kept while valid.
  std::optional<NodeRef> current_;
  std::size_t field_index_ = 0;
  // What prefetch() learned of the current node's fields from hinted_from_
  // on, one per field.
  std::vector<NodeWriter::Hint> hints_;
  std::size_t hinted_from_ = 0;
  std::size_t reserved_;
  PutCallback done_;
  bool committed_;
  PutSummary summary_;
};

// Hands out a node's fields in chunks, one chunk a turn, looking the node up
// by its soul every turn. The slots are picked once, when the node is first
// in memory: slots [0, size) for a whole read, the matching keys in UTF-16
// order for a LEX read.
class ReadJob final : public Job {
 public:
  ReadJob(std::string soul, ReadQuery query, std::size_t keys_per_chunk,
          ChunkCallback on_chunk)
      : soul_(std::move(soul)),
        node_(soul_),
        query_(std::move(query)),
        keys_per_chunk_(keys_per_chunk),
        on_chunk_(std::move(on_chunk)) {}

  // Picks the slots from `node` and pins it; false (and no pin) when none
  // is picked.
  bool start(GraphStore::Impl& store, const Node& node);

  Turn run_turn(GraphStore::Impl& store) override;
  void cancel(GraphStore::Impl&) override {}

 private:
  std::string soul_;
  NodeRef node_;  // views soul_; the job never moves (it lives on the heap)
  ReadQuery query_;
  bool started_ = false;
  std::size_t end_ = 0;
  std::size_t keys_per_chunk_;
  std::size_t cursor_ = 0;
  ChunkCallback on_chunk_;
  std::vector<std::size_t> selection_;  // a LEX read's slots
  std::vector<std::size_t> chunk_;      // the slots of the current chunk
};

// Loads a node too large for one turn (GraphStore::Impl::acquire), at most
// StoreOptions::load_fields_per_turn fields a turn, then keeps it in memory,
// pinned until every job queued behind it has had a turn. It stops early
// when its load is superseded (a whole load by the synchronous API) or
// storage fails.
class LoadJob final : public Job {
 public:
  explicit LoadJob(std::string soul) : soul_(std::move(soul)) {}

  Turn run_turn(GraphStore::Impl& store) override;
  void cancel(GraphStore::Impl&) override {}

 private:
  std::string soul_;
  bool kept_ = false;  // loaded, in memory and pinned for one more round
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_JOBS_HPP_
