// The store's two kinds of turn-sliced work: ingesting a put, and walking a
// node in chunks.
#ifndef GUNPP_SRC_CORE_JOBS_HPP_
#define GUNPP_SRC_CORE_JOBS_HPP_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "store_impl.hpp"

namespace gunpp::detail {

// Feeds a delta to HAM, Options::keys_per_turn fields a turn; the budget
// spans node boundaries. An index cursor (node, field) makes resuming O(1).
class IngestJob final : public Job {
 public:
  // `reserved`: deferral room the put reserved for its future fields.
  IngestJob(std::vector<NodeDelta> nodes, std::size_t reserved,
            PutCallback done)
      : nodes_(std::move(nodes)), reserved_(reserved), done_(std::move(done)) {}

  Turn run_turn(GraphStore::Impl& store) override;
  void cancel(GraphStore::Impl& store) override;

 private:
  void resolve_field(GraphStore::Impl& store, Node*& target, Field& field,
                     double now);
  void prefetch(const Node* target, std::size_t budget) const;
  void reslice(GraphStore::Impl& store);
  void release_reservation(GraphStore::Impl& store);

  std::vector<NodeDelta> nodes_;
  std::size_t node_index_ = 0;
  // The current node: its soul hashed once, the node kept while valid.
  std::optional<NodeRef> current_;
  std::size_t field_index_ = 0;
  // Only for the re-slicing baseline.
  std::vector<std::string> remaining_;
  std::size_t sliced_ = 0;
  std::size_t reserved_;
  PutCallback done_;
  PutSummary summary_;
};

// Hands out a node's slots in chunks, one chunk a turn, looking the node up
// by its soul every turn: either slots [0, end) or a given selection.
class ReadJob final : public Job {
 public:
  ReadJob(std::string soul, std::size_t end, std::size_t keys_per_chunk,
          ChunkCallback on_chunk)
      : soul_(std::move(soul)),
        node_(soul_),
        end_(end),
        keys_per_chunk_(keys_per_chunk),
        on_chunk_(std::move(on_chunk)) {}
  ReadJob(std::string soul, std::vector<std::size_t> selection,
          std::size_t keys_per_chunk, ChunkCallback on_chunk)
      : ReadJob(std::move(soul), selection.size(), keys_per_chunk,
                std::move(on_chunk)) {
    selection_ = std::move(selection);
  }

  Turn run_turn(GraphStore::Impl& store) override;
  void cancel(GraphStore::Impl&) override {}

 private:
  std::string soul_;
  NodeRef node_;  // views soul_; the job never moves (it lives on the heap)
  std::size_t end_;
  std::size_t keys_per_chunk_;
  std::size_t cursor_ = 0;
  ChunkCallback on_chunk_;
  std::vector<std::size_t> selection_;  // empty: slots [0, end_)
  std::vector<std::size_t> chunk_;      // the slots of the current chunk
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_JOBS_HPP_
