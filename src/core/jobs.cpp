#include "jobs.hpp"

#include <algorithm>
#include <span>
#include <utility>

#include "node_writer.hpp"

namespace gunpp::detail {

Job::Turn IngestJob::run_turn(GraphStore::Impl& store) {
  ++store.stats.ingest_turns;
  if (store.committer.failed()) {
    release_reservation(store);
    store.call(done_, store.committer.error(), summary_);
    return Turn::kDone;
  }
  const double now = store.machine_time();
  std::size_t budget = store.options.keys_per_turn;
  // The target node is found by soul when the turn reaches it (see
  // NodeRef), and handed back to the reference when the turn moves on.
  Node* target = nullptr;
  bool reached = false;
  while (budget > 0 && node_index_ < nodes_.size()) {
    NodeDelta& delta = nodes_[node_index_];
    if (!reached) {
      if (!current_ || current_->soul().data() != delta.soul.data()) {
        current_.emplace(delta.soul);
      }
      bool loading = false;
      target = current_->get(store, &loading);
      if (loading) return Turn::kMore;  // nothing else until it is in memory
      if (target != nullptr && NodeWriter::warming(*target)) {
        // A node put whole: the next 2 MiB of its index is this turn's work.
        NodeWriter::warm_step(*target);
        return Turn::kMore;
      }
      prefetch(target, budget);
      reached = true;
    }
    if (field_index_ == delta.fields.size()) {
      next_node();
      reached = false;
      continue;
    }
    Field& field = delta.fields[field_index_++];
    --budget;
    resolve_field(store, target, field, now);
    if (target != nullptr) {
      current_->set(target, store.nodes.epoch());
      // Just created: warmed from the next turn on.
      if (NodeWriter::warming(*target)) break;
    }
  }
  // A budget spent on a node's last field ends the node too (and the put,
  // when it was the last), rather than leaving that to a turn of its own.
  while (node_index_ < nodes_.size() &&
         field_index_ == nodes_[node_index_].fields.size()) {
    next_node();
  }
  if (node_index_ < nodes_.size()) return Turn::kMore;
  release_reservation(store);
  store.finish_put(std::move(done_), summary_);
  store.retire(std::move(nodes_));
  return Turn::kDone;
}

void IngestJob::next_node() {
  NodeDelta& spent = nodes_[node_index_];
  // A small node's spent fields go now, while in cache, rather than in a
  // reclaim pass that reads them again cold.
  if (spent.fields.size() <= GraphStore::Impl::kReclaimPerTurn) {
    FieldVector(spent.fields.get_allocator()).swap(spent.fields);
  }
  ++node_index_;
  field_index_ = 0;
}

void IngestJob::cancel(GraphStore::Impl& store) {
  release_reservation(store);
  store.call(done_, Status::cancelled("the store was destroyed"), summary_);
}

void IngestJob::resolve_field(GraphStore::Impl& store, Node*& target,
                              Field& field, double now) {
  if (field.key.empty()) {
    ++summary_.ignored;
    ++store.stats.ignored;
    return;
  }
  // A node this put creates is sized for the rest of its delta.
  const NodeDelta& delta = nodes_[node_index_];
  const std::size_t hint = field_index_ - 1 - hinted_from_;
  switch (store.resolve(
      delta.soul, target, field, now, delta.fields.size() - field_index_ + 1,
      hint < hints_.size() ? hints_[hint] : NodeWriter::Hint(), !committed_)) {
    case HamDecision::kConverge:
      ++summary_.applied;
      break;
    case HamDecision::kDefer:
      ++summary_.deferred;
      if (reserved_ > 0) {
        --reserved_;
        store.deferred.release(1);
      }
      break;
    case HamDecision::kHistorical:
    case HamDecision::kKeepCurrent:
      ++summary_.ignored;
      break;
  }
}

// Hints the index buckets of the fields this turn will resolve in the
// current node: in a node too large for the cache, their misses then overlap.
// Their hashes are kept for the inserts.
void IngestJob::prefetch(const Node* target, std::size_t budget) {
  hints_.clear();
  hinted_from_ = field_index_;
  if (target == nullptr || node_index_ >= nodes_.size()) return;
  const auto& fields = nodes_[node_index_].fields;
  const std::size_t end = std::min(fields.size(), field_index_ + budget);
  for (std::size_t i = field_index_; i < end; ++i) {
    const NodeWriter::Hint hint = NodeWriter::prefetch(*target, fields[i].key);
    if (!hint.hashed) return;  // a node without an index
    hints_.push_back(hint);
  }
}

std::span<const Field> IngestJob::pending_fields() const {
  if (node_index_ >= nodes_.size()) return {};
  return std::span(nodes_[node_index_].fields).subspan(field_index_);
}

void IngestJob::release_reservation(GraphStore::Impl& store) {
  store.deferred.release(reserved_);
  reserved_ = 0;
}

bool ReadJob::start(GraphStore::Impl& store, const Node& node) {
  started_ = true;
  if (query_.range) {
    const KeyRange& range = *query_.range;
    for (std::size_t s = 0; s < node.size(); ++s) {
      if (range.matches(node.key(s))) selection_.push_back(s);
    }
    std::sort(selection_.begin(), selection_.end(),
              [&node](std::size_t a, std::size_t b) {
                return utf16_compare(node.key(a), node.key(b)) < 0;
              });
    if (query_.byte_budget > 0) {
      std::size_t bytes = 0;
      std::size_t taken = 0;
      while (taken < selection_.size() && bytes < query_.byte_budget) {
        const Value& value = node.value(selection_[taken++]);
        bytes += value.is_string() ? value.as_string().size() : 9;
      }
      selection_.resize(taken);
    }
    end_ = selection_.size();
  } else {
    end_ = node.size();
  }
  if (end_ == 0) return false;
  store.nodes.pin(soul_, +1);
  return true;
}

Job::Turn ReadJob::run_turn(GraphStore::Impl& store) {
  ++store.stats.read_turns;
  bool loading = false;
  const Node* node = node_.get(store, &loading);
  if (loading) return Turn::kMore;
  if (!started_ && (node == nullptr || !start(store, *node))) {
    // Loaded over several turns with nothing to read (or its load failed):
    // one empty last chunk ends the read.
    static const Node kEmpty;
    store.call(on_chunk_, Chunk{soul_, node != nullptr ? *node : kEmpty,
                                std::span<const std::size_t>(), true});
    return Turn::kDone;
  }
  // The read pinned its node (GraphStore::Impl::pin): it is still there.
  if (node == nullptr) return Turn::kDone;
  const std::size_t begin = cursor_;
  cursor_ = std::min(end_, cursor_ + keys_per_chunk_);
  const bool last = cursor_ == end_;
  std::span<const std::size_t> slots;
  if (query_.range) {
    slots = std::span(selection_).subspan(begin, cursor_ - begin);
  } else {
    chunk_.clear();
    for (std::size_t s = begin; s < cursor_; ++s) chunk_.push_back(s);
    slots = chunk_;
  }
  store.call(on_chunk_, Chunk{soul_, *node, slots, last});
  if (last) store.nodes.pin(soul_, -1);
  return last ? Turn::kDone : Turn::kMore;
}

Job::Turn LoadJob::run_turn(GraphStore::Impl& store) {
  ++store.stats.load_turns;
  if (kept_) {  // every job that waited has had its turn
    store.nodes.pin(soul_, -1);
    return Turn::kDone;
  }
  NodeCache::PendingLoad* pending = store.nodes.loads().find(SoulKey(soul_));
  if (pending == nullptr) return Turn::kDone;  // superseded
  if (store.committer.failed()) {
    store.nodes.loads().erase(soul_);
    return Turn::kDone;
  }
  NodeCache::PendingLoad& load = *pending;
  const std::size_t limit = store.options.load_fields_per_turn;
  std::vector<Field> fields;
  if (Status s = store.committer.storage()->load_fields(soul_, load.after,
                                                        limit, fields);
      !s) {
    store.committer.fail(std::move(s));
    store.nodes.loads().erase(soul_);
    return Turn::kDone;
  }
  const std::size_t loaded = fields.size();
  NodeWriter::append(load.node, std::move(fields));
  if (loaded == limit) {
    load.after = load.node.key(load.node.size() - 1);
    return Turn::kMore;
  }
  Node node = std::move(load.node);
  store.nodes.loads().erase(soul_);
  store.keep(soul_, std::move(node));
  // Pinned for one round of the queue: a node larger than the cache budget
  // would otherwise be evicted by the next commit, before the jobs that
  // waited for it got a turn, and be loaded again, and again.
  store.nodes.pin(soul_, +1);
  kept_ = true;
  return Turn::kMore;
}

}  // namespace gunpp::detail
