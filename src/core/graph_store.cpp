#include "gunpp/graph_store.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "error_text.hpp"
#include "gunpp/value.hpp"
#include "gunpp/verifier.hpp"
#include "jobs.hpp"
#include "page_advice.hpp"
#include "slice_baseline_job.hpp"
#include "store_access.hpp"
#include "store_impl.hpp"
#include "validate.hpp"

namespace gunpp {

GraphStore::Impl::Impl(Scheduler& scheduler_in, StoreOptions options_in)
    : scheduler(scheduler_in),
      options(options_in),
      state_clock(scheduler_in.clock(), to_ms(options_in.state_drift)),
      nodes(options_in.cache_bytes, &field_pool),
      owner(scheduler_in.new_owner()),
      deferred(scheduler_in, owner, to_ms(options_in.max_defer_wait),
               [this](std::uint64_t id, std::string_view soul, Field& field) {
                 retry_parked(id, soul, field);
               }),
      subscribers(stats.callback_exceptions),
      committer(options_in.storage, stats.callback_exceptions) {
  options.keys_per_turn = std::max<std::size_t>(1, options.keys_per_turn);
  options.keys_per_chunk = std::max<std::size_t>(1, options.keys_per_chunk);
  options.commit_every_turns =
      std::max<std::size_t>(1, options.commit_every_turns);
  options.load_fields_per_turn =
      std::max<std::size_t>(1, options.load_fields_per_turn);
  committer.on_transient([this] { plan_recovery(); });
  restore_parked();
}

GraphStore::Impl::~Impl() {
  scheduler.cancel_owner(owner);
  auto jobs = std::move(jobs_);
  jobs_.clear();
  for (auto& job : jobs) job->cancel(*this);
  // What converged is committed, and the puts it completes are acked.
  flush();
}

void GraphStore::Impl::restore_parked() {
  if (committer.storage() == nullptr) return;
  const double now = machine_time();
  Status s = committer.storage()->load_parked(
      [this, now](std::uint64_t id, std::string_view soul, Field field) {
        deferred.restore(id, soul, std::move(field), now);
      });
  if (!s) committer.fail(std::move(s));
}

void GraphStore::Impl::retry_parked(std::uint64_t id, std::string_view soul,
                                    Field& field) {
  if (committer.failed() && committer.transient()) {
    stalled_.push_back(Stalled{id, std::string(soul), std::move(field)});
    return;
  }
  if (committer.storage() != nullptr) {
    committer.unpark(id);
    queue_flush();
  }
  Node* node = find(soul);
  resolve(soul, node, field, machine_time());
}

Node* GraphStore::Impl::load(const detail::SoulKey& soul) {
  if (committer.storage() == nullptr || committer.failed()) return nullptr;
  // A whole load supersedes a chunked one under way (its LoadJob stops).
  nodes.loads().erase(soul.soul);
  Node node;
  if (Status s = committer.storage()->load_node(soul.soul, node); !s) {
    committer.fail(std::move(s));
    return nullptr;
  }
  return node.empty() ? nullptr : keep(soul.soul, std::move(node));
}

Node* GraphStore::Impl::acquire(const detail::SoulKey& soul,
                                bool* loading_now) {
  *loading_now = false;
  if (Node* node = nodes.find(soul)) return node;
  if (committer.storage() == nullptr || committer.failed()) return nullptr;
  if (nodes.loads().find(soul) != nullptr) {
    *loading_now = true;
    return nullptr;
  }
  const std::size_t limit = options.load_fields_per_turn;
  std::vector<Field> fields;
  if (Status s = committer.storage()->load_fields(soul.soul, {}, limit, fields);
      !s) {
    committer.fail(std::move(s));
    return nullptr;
  }
  const bool whole = fields.size() < limit;
  Node node(std::move(fields));
  if (whole) return node.empty() ? nullptr : keep(soul.soul, std::move(node));
  std::string after(node.key(node.size() - 1));
  *nodes.loads().try_emplace(soul).first =
      detail::NodeCache::PendingLoad{std::move(node), std::move(after)};
  enqueue(std::make_unique<detail::LoadJob>(std::string(soul.soul)));
  *loading_now = true;
  return nullptr;
}

Node* GraphStore::Impl::keep(std::string_view soul, Node node) {
  ++stats.node_loads;
  return nodes.keep(soul, std::move(node));
}

void GraphStore::Impl::evict_cold_nodes() {
  // Only clean nodes go: this runs right after a successful commit.
  if (!nodes.over_budget() || committer.storage() == nullptr ||
      committer.failed() || committer.dirty()) {
    return;
  }
  stats.evictions += nodes.evict();
}

void GraphStore::Impl::finish_put(PutCallback done, const PutSummary& summary) {
  if (committer.hold(std::move(done), summary)) flush();
}

void GraphStore::Impl::flush() {
  if (committer.commit()) ++stats.commits;
  if (committer.storage() == nullptr) return;
  evict_cold_nodes();
  committer.release();
}

namespace {
// The pages of a retired delta's array go back this many bytes at a time:
// a whole huge page, as the decoder's arrays are. Releasing part of one
// splits it, and the rest of it is then read through 4 KiB pages, each
// first read an exit to the hypervisor on a virtual machine (ten times
// slower reclaim; docs/performance.md).
constexpr std::size_t kReleaseUnit = detail::kHugePageBytes;

// The storage of `fields` past its size is dead; `erased` fields were just
// destroyed at its end. Each time the end crosses down a kReleaseUnit
// boundary, the whole units above it go back to the kernel (tens of
// microseconds, once per unit), so that freeing the emptied array unmaps
// nothing much: otherwise that one turn unmaps the whole array, milliseconds
// for a million fields.
void release_dead_units(const FieldVector& fields, std::size_t erased) {
  const auto up = [](std::uintptr_t a) {
    return (a + kReleaseUnit - 1) & ~std::uintptr_t{kReleaseUnit - 1};
  };
  const auto end =
      reinterpret_cast<std::uintptr_t>(fields.data() + fields.size());
  const auto old_end = end + erased * sizeof(Field);
  const auto capacity_end =
      reinterpret_cast<std::uintptr_t>(fields.data() + fields.capacity());
  const std::uintptr_t from = up(end);
  const std::uintptr_t to = std::min(up(old_end), capacity_end);
  if (from < to) {
    detail::release_pages(reinterpret_cast<const void*>(from), to - from);
  }
}

}  // namespace

void GraphStore::Impl::retire(std::vector<NodeDelta> delta) {
  // A node's soul and field array cost as much to free as a field.
  std::size_t cost = delta.size();
  for (const NodeDelta& node : delta) cost += node.fields.size();
  if (cost <= kReclaimPerTurn) return;  // freed here, at once
  if (retired_.empty()) scheduler.enqueue([this] { reclaim_some(); }, owner);
  retired_.push_back(std::move(delta));
}

void GraphStore::Impl::reclaim_some() {
  ++stats.reclaim_turns;
  std::size_t budget = kReclaimPerTurn;
  while (budget > 0 && !retired_.empty()) {
    std::vector<NodeDelta>& delta = retired_.back();
    FieldVector& fields = delta.back().fields;
    const std::size_t n = std::min(budget, fields.size());
    fields.erase(fields.end() - static_cast<std::ptrdiff_t>(n), fields.end());
    release_dead_units(fields, n);
    budget -= n;
    if (fields.empty() && budget > 0) {
      delta.pop_back();
      --budget;
    }
    if (delta.empty()) retired_.pop_back();
  }
  if (!retired_.empty()) scheduler.enqueue([this] { reclaim_some(); }, owner);
}

void GraphStore::Impl::queue_flush() {
  if (flush_queued) return;
  flush_queued = true;
  scheduler.enqueue(
      [this] {
        flush_queued = false;
        flush();
      },
      owner);
}

void GraphStore::Impl::plan_recovery() {
  if (recovery_planned) return;
  recovery_planned = true;
  scheduler.add_timer_after(
      options.storage_retry,
      [this] {
        recovery_planned = false;
        recover();
      },
      owner);
}

void GraphStore::Impl::recover() {
  if (!committer.recover()) return;  // plans the next try, if transient
  ++stats.commits;
  for (Stalled& s : std::exchange(stalled_, {})) {
    retry_parked(s.id, s.soul, s.field);
  }
}

double GraphStore::Impl::machine_time() const {
  return std::max(scheduler.clock().now_ms(), state_clock.last());
}

Status GraphStore::Impl::put(Graph delta, PutCallback done, bool committed) {
  if (committer.failed()) return committer.error();
  if (jobs_.size() >= options.max_pending_jobs) {
    return detail::too_many_jobs(options.max_pending_jobs);
  }
  std::size_t future = 0;
  if (Status s =
          detail::validate_delta(delta, options, machine_time(), &future);
      !s) {
    return s;
  }
  if (options.verifier != nullptr && !committed) {
    if (Status s = options.verifier->verify(delta, machine_time()); !s) {
      return s;
    }
  }
  if (deferred.size() + deferred.reserved() + future > options.max_deferred) {
    return Status::resource_exhausted(
        "put has " + std::to_string(future) +
        " fields from the future; with those already waiting that exceeds "
        "max_deferred " +
        std::to_string(options.max_deferred));
  }
  deferred.reserve(future);
  detail::IngestJob ingest(delta.take_nodes(), future, std::move(done),
                           committed);
  if (slice_baseline) {
    enqueue(std::make_unique<detail::SliceBaselineJob>(std::move(ingest)));
  } else {
    enqueue(std::make_unique<detail::IngestJob>(std::move(ingest)));
  }
  return Status::ok();
}

Status GraphStore::Impl::write(
    std::string_view soul, std::vector<std::pair<std::string, Value>> fields,
    PutCallback done) {
  for (const auto& [key, value] : fields) {
    if (key.empty()) {
      return Status::invalid_argument("soul " + detail::quoted(soul) +
                                      ": empty key");
    }
  }
  Graph delta;
  delta.reserve(soul, fields.size());
  const State state = state_clock.next();
  for (auto& [key, value] : fields) {
    delta.add(soul, std::move(key), std::move(value), state);
  }
  return put(std::move(delta), std::move(done));
}

Status GraphStore::Impl::read(std::string_view soul, ChunkCallback on_chunk,
                              std::size_t keys_per_chunk) {
  return read(soul, detail::ReadQuery{}, std::move(on_chunk), keys_per_chunk);
}

Status GraphStore::Impl::read(std::string_view soul, const KeyRange& range,
                              std::size_t byte_budget, ChunkCallback on_chunk,
                              std::size_t keys_per_chunk) {
  // Keys are UTF-8 and ordered as JavaScript orders their UTF-16; a bound
  // that is not UTF-8 has no place in that order.
  const auto utf8 = [](const std::optional<std::string>& bound) {
    return !bound || is_valid_utf8(*bound);
  };
  if (!utf8(range.exact) || !utf8(range.from) || !utf8(range.to) ||
      !is_valid_utf8(range.prefix)) {
    return Status::invalid_argument("LEX bound is not UTF-8");
  }
  return read(soul, detail::ReadQuery{range, byte_budget}, std::move(on_chunk),
              keys_per_chunk);
}

Status GraphStore::Impl::read(std::string_view soul, detail::ReadQuery query,
                              ChunkCallback on_chunk,
                              std::size_t keys_per_chunk) {
  bool loading_now = false;
  const Node* node = acquire(detail::SoulKey(soul), &loading_now);
  if (node == nullptr && !loading_now) {
    return Status::not_found("soul " + detail::quoted(soul) +
                             " does not exist");
  }
  if (jobs_.size() >= options.max_pending_jobs) {
    return detail::too_many_jobs(options.max_pending_jobs);
  }
  if (keys_per_chunk == 0) keys_per_chunk = options.keys_per_chunk;
  auto job = std::make_unique<detail::ReadJob>(
      std::string(soul), std::move(query), keys_per_chunk, std::move(on_chunk));
  // A node in memory is read as it is now; one still loading, once loaded.
  if (node != nullptr && !job->start(*this, *node)) {
    return Status::not_found("soul " + detail::quoted(soul) +
                             " has no key in the range");
  }
  enqueue(std::move(job));
  return Status::ok();
}

void GraphStore::Impl::enqueue(std::unique_ptr<detail::Job> job) {
  jobs_.push_back(std::move(job));
  scheduler.enqueue([this] { run_job_turn(); }, owner);
}

void GraphStore::Impl::run_job_turn() {
  // One scheduler task is queued per pending turn, and jobs rotate in the
  // same FIFO order, so the front job is the one this task belongs to.
  std::unique_ptr<detail::Job> job = std::move(jobs_.front());
  jobs_.pop_front();
  if (job->run_turn(*this) == detail::Job::Turn::kMore) {
    jobs_.push_back(std::move(job));
    scheduler.enqueue([this] { run_job_turn(); }, owner);
  }
  // Group commit: when the queue runs dry, or every commit_every_turns.
  if (committer.turn_ran(jobs_.empty(), options.commit_every_turns)) flush();
}

HamDecision GraphStore::Impl::resolve(std::string_view soul, Node*& node,
                                      Field& field, double now,
                                      std::size_t fields_hint,
                                      detail::NodeWriter::Hint key_hint,
                                      bool write_back) {
  ++stats.keys_visited;
  if (committer.failed()) {
    // Without its stored node, HAM would decide against nothing.
    ++stats.ignored;
    return HamDecision::kKeepCurrent;
  }
  // HAM's first rule needs no lookup, and against an absent key HAM always
  // converges; so one probe finds the field or inserts it as new.
  if (field.state > now) {
    ++stats.deferrals;
    if (committer.storage() == nullptr || !write_back) {
      deferred.park(soul, std::move(field), now);
    } else {
      Field copy = field;
      committer.park(deferred.park(soul, std::move(field), now), soul,
                     std::move(copy));
    }
    return HamDecision::kDefer;
  }
  if (node == nullptr) node = &nodes.obtain(detail::SoulKey(soul), fields_hint);
  const auto [slot, inserted] = detail::NodeWriter::try_emplace(
      *node, std::move(field.key), std::move(field.value), field.state,
      key_hint);
  HamDecision decision = HamDecision::kConverge;
  if (!inserted) {
    decision = ham(now, field.state, field.value, node->state(slot),
                   node->value(slot));
    if (decision == HamDecision::kConverge) {
      detail::NodeWriter::assign(*node, slot, std::move(field.value),
                                 field.state);
    }
  }
  if (decision != HamDecision::kConverge) {
    ++stats.ignored;
    return decision;
  }
  ++stats.applied;
  if (inserted) nodes.grew(*node, slot);
  if (committer.storage() != nullptr && write_back) {
    committer.put(soul, Field{node->key(slot), node->value(slot), field.state});
  }
  subscribers.notify(
      Change{soul, node->key(slot), node->value(slot), field.state});
  return decision;
}

// The public API forwards to the implementation.

GraphStore::GraphStore(Scheduler& scheduler, StoreOptions options)
    : impl_(std::make_unique<Impl>(scheduler, options)) {}

GraphStore::~GraphStore() = default;

Status GraphStore::put(Graph delta, PutCallback done) {
  return impl_->put(std::move(delta), std::move(done));
}

Status GraphStore::merge_committed(Graph delta, PutCallback done) {
  return impl_->put(std::move(delta), std::move(done), true);
}

Status GraphStore::write(std::string_view soul,
                         std::vector<std::pair<std::string, Value>> fields,
                         PutCallback done) {
  return impl_->write(soul, std::move(fields), std::move(done));
}

State GraphStore::next_state() { return impl_->state_clock.next(); }

const Node* GraphStore::get(std::string_view soul) const {
  return impl_->find(soul);
}

std::optional<Entry> GraphStore::get(std::string_view soul,
                                     std::string_view key) const {
  Impl& impl = *impl_;
  if (impl.committer.storage() != nullptr && !impl.nodes.contains(soul)) {
    if (impl.committer.failed()) return std::nullopt;
    std::optional<Field> field;
    if (Status s = impl.committer.storage()->load_field(soul, key, field); !s) {
      impl.committer.fail(std::move(s));
      return std::nullopt;
    }
    if (!field) return std::nullopt;
    return Entry{std::move(field->value), field->state};
  }
  const Node* node = impl.find(soul);
  if (node == nullptr) return std::nullopt;
  const auto slot = node->find(key);
  if (!slot) return std::nullopt;
  return Entry{node->value(*slot), node->state(*slot)};
}

Status GraphStore::read(std::string_view soul, ChunkCallback on_chunk,
                        std::size_t keys_per_chunk) {
  return impl_->read(soul, std::move(on_chunk), keys_per_chunk);
}

Status GraphStore::read(std::string_view soul, const KeyRange& range,
                        std::size_t byte_budget, ChunkCallback on_chunk,
                        std::size_t keys_per_chunk) {
  return impl_->read(soul, range, byte_budget, std::move(on_chunk),
                     keys_per_chunk);
}

SubscriptionId GraphStore::subscribe(std::string soul,
                                     ChangeCallback on_change) {
  return impl_->subscribers.add(std::move(soul), std::move(on_change));
}

SubscriptionId GraphStore::subscribe_all(ChangeCallback on_change) {
  return impl_->subscribers.add(std::nullopt, std::move(on_change));
}

bool GraphStore::unsubscribe(SubscriptionId id) {
  return impl_->subscribers.remove(id);
}

void GraphStore::for_each_node(
    const std::function<void(std::string_view, const Node&)>& fn) const {
  impl_->nodes.for_each(
      [&fn](const std::string& soul, const Node& node) { fn(soul, node); });
  detail::Committer& committer = impl_->committer;
  if (committer.storage() == nullptr || committer.failed()) return;
  // A node in memory holds all that storage holds of it, and more.
  Status s = committer.storage()->for_each_node(
      [this, &fn](std::string_view soul, const Node& node) {
        if (!impl_->nodes.contains(soul)) fn(soul, node);
      });
  if (!s) committer.fail(std::move(s));
}

void GraphStore::for_each_deferred(
    const std::function<void(std::string_view, std::string_view, const Value&,
                             State)>& fn) const {
  impl_->deferred.for_each([&fn](std::string_view soul, const Field& field) {
    fn(soul, field.key, field.value, field.state);
  });
}

Status GraphStore::flush() {
  impl_->flush();
  return impl_->committer.error();
}

const Status& GraphStore::storage_status() const {
  return impl_->committer.error();
}

std::size_t GraphStore::node_count() const { return impl_->nodes.size(); }
std::size_t GraphStore::deferred_count() const {
  return impl_->deferred.size();
}
std::size_t GraphStore::pending_jobs() const { return impl_->jobs_.size(); }
const Stats& GraphStore::stats() const { return impl_->stats; }
const StoreOptions& GraphStore::options() const { return impl_->options; }
Scheduler& GraphStore::scheduler() const { return impl_->scheduler; }

std::size_t GraphStore::memory_bytes() const {
  return impl_->nodes.memory_bytes();
}

void detail::StoreAccess::use_slice_baseline(GraphStore& store) {
  store.impl_->slice_baseline = true;
}

std::uint64_t detail::StoreAccess::keys_copied(const GraphStore& store) {
  return store.impl_->keys_copied;
}

std::pmr::memory_resource* detail::StoreAccess::field_memory(
    GraphStore& store) {
  return &store.impl_->field_pool;
}

void detail::StoreAccess::invalidate_nodes(GraphStore& store) {
  store.impl_->nodes.invalidate();
}

}  // namespace gunpp
