#include "gunpp/graph_store.hpp"

#include <algorithm>
#include <cmath>

#include "error_text.hpp"

namespace gunpp {

namespace {

using detail::quoted;
using detail::where;

// Why `text` cannot be stored ("is longer than N bytes", "is not valid
// UTF-8"), or "" when it can. Cheap on the good path: no allocation.
std::string text_problem(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return "is longer than " + std::to_string(max_bytes) + " bytes";
  }
  if (!is_valid_utf8(text)) return "is not valid UTF-8";
  return {};
}

}  // namespace

template <typename F, typename... Args>
void GraphStore::invoke_guarded(const F& callback, Args&&... args) {
  if (!callback) return;
  try {
    callback(std::forward<Args>(args)...);
  } catch (...) {
    ++stats_.callback_exceptions;
  }
}

// A unit of queued work that runs one turn at a time.
class GraphStore::Job {
 public:
  virtual ~Job() = default;
  // Runs one turn; returns true when the job is finished.
  virtual bool run_turn(GraphStore& store) = 0;
  // The store is going away with the job unfinished.
  virtual void cancel(GraphStore& store) = 0;
};

class GraphStore::IngestJob final : public Job {
 public:
  IngestJob(std::vector<NodeDelta> nodes, std::size_t reserved,
            PutCallback done)
      : nodes_(std::move(nodes)), reserved_(reserved), done_(std::move(done)) {}

  bool run_turn(GraphStore& store) override {
    ++store.stats_.ingest_turns;
    const double now = store.machine_time();
    const bool slicing =
        store.options_.ingest_resume == IngestResume::kSliceBaseline;
    if (slicing && field_index_ > 0) reslice(store);
    std::size_t budget = store.options_.keys_per_turn;
    prefetch(budget);
    while (budget > 0 && node_index_ < nodes_.size()) {
      NodeDelta& delta = nodes_[node_index_];
      if (field_index_ == 0) {
        target_ = store.find_node(delta.soul);
        if (slicing) reslice(store);
      }
      if (field_index_ == delta.fields.size()) {
        ++node_index_;
        field_index_ = 0;
        continue;
      }
      Field& field = delta.fields[field_index_++];
      if (slicing) field.key = std::move(remaining_[sliced_++]);
      --budget;
      resolve_field(store, field, now);
    }
    if (node_index_ < nodes_.size()) return false;
    release_reservation(store);
    store.invoke_guarded(done_, Status::ok(), summary_);
    return true;
  }

  void cancel(GraphStore& store) override {
    release_reservation(store);
    store.invoke_guarded(done_, Status::cancelled("the store was destroyed"),
                         summary_);
  }

 private:
  void resolve_field(GraphStore& store, Field& field, double now) {
    if (field.key.empty()) {
      ++summary_.ignored;
      ++store.stats_.ignored;
      return;
    }
    const std::string_view soul = nodes_[node_index_].soul;
    switch (store.resolve(soul, target_, field.key, field.value, field.state,
                          now)) {
      case HamDecision::kConverge:
        ++summary_.applied;
        break;
      case HamDecision::kDefer:
        ++summary_.deferred;
        if (reserved_ > 0) {
          --reserved_;
          --store.reserved_deferrals_;
        }
        break;
      case HamDecision::kHistorical:
      case HamDecision::kKeepCurrent:
        ++summary_.ignored;
        break;
    }
  }

  // Hints the index buckets of the fields this turn will resolve in the
  // current node: in a node too large for the cache, their misses then
  // overlap.
  void prefetch(std::size_t budget) const {
    if (target_ == nullptr || node_index_ >= nodes_.size()) return;
    const auto& fields = nodes_[node_index_].fields;
    const std::size_t end = std::min(fields.size(), field_index_ + budget);
    for (std::size_t i = field_index_; i < end; ++i) {
      target_->prefetch(fields[i].key);
    }
  }

  // The GUN.js baseline: a fresh copy of the current node's remaining key
  // names, from which this turn takes its keys.
  void reslice(GraphStore& store) {
    remaining_.clear();
    sliced_ = 0;
    if (node_index_ >= nodes_.size()) return;
    const auto& fields = nodes_[node_index_].fields;
    for (std::size_t i = field_index_; i < fields.size(); ++i) {
      remaining_.push_back(fields[i].key);
    }
    store.stats_.keys_copied += remaining_.size();
  }

  void release_reservation(GraphStore& store) {
    store.reserved_deferrals_ -= reserved_;
    reserved_ = 0;
  }

  std::vector<NodeDelta> nodes_;
  std::size_t node_index_ = 0;
  std::size_t field_index_ = 0;
  Node* target_ = nullptr;
  // Only with IngestResume::kSliceBaseline.
  std::vector<std::string> remaining_;
  std::size_t sliced_ = 0;
  // Deferral capacity this job reserved at put() and has not used yet.
  std::size_t reserved_;
  PutSummary summary_;
  PutCallback done_;
};

class GraphStore::ReadJob final : public Job {
 public:
  ReadJob(std::string soul, const Node& node, std::size_t keys_per_chunk,
          ChunkCallback on_chunk)
      : soul_(std::move(soul)),
        node_(node),
        end_(node.size()),
        keys_per_chunk_(keys_per_chunk),
        on_chunk_(std::move(on_chunk)) {}

  bool run_turn(GraphStore& store) override {
    ++store.stats_.read_turns;
    const std::size_t begin = cursor_;
    cursor_ = std::min(end_, cursor_ + keys_per_chunk_);
    const bool last = cursor_ == end_;
    store.invoke_guarded(on_chunk_, Chunk{soul_, node_, begin, cursor_, last});
    return last;
  }

  void cancel(GraphStore&) override {}

 private:
  std::string soul_;
  const Node& node_;
  std::size_t end_;
  std::size_t keys_per_chunk_;
  std::size_t cursor_ = 0;
  ChunkCallback on_chunk_;
};

GraphStore::GraphStore(Scheduler& scheduler, Options options)
    : scheduler_(&scheduler),
      options_(options),
      state_clock_(scheduler.clock(), options.state_drift_ms),
      owner_(scheduler.new_owner()) {
  options_.keys_per_turn = std::max<std::size_t>(1, options_.keys_per_turn);
  options_.keys_per_chunk = std::max<std::size_t>(1, options_.keys_per_chunk);
}

GraphStore::~GraphStore() {
  scheduler_->cancel_owner(owner_);
  auto jobs = std::move(jobs_);
  jobs_.clear();
  for (auto& job : jobs) job->cancel(*this);
}

double GraphStore::machine_time() const {
  // Never below a state this store issued, so local writes are never from
  // the future to their own store.
  return std::max(scheduler_->clock().now_ms(), state_clock_.last());
}

Node* GraphStore::find_node(std::string_view soul) {
  auto it = nodes_.find(std::string(soul));
  return it == nodes_.end() ? nullptr : &it->second;
}

const Node* GraphStore::get(std::string_view soul) const {
  auto it = nodes_.find(std::string(soul));
  return it == nodes_.end() ? nullptr : &it->second;
}

std::optional<Entry> GraphStore::get(std::string_view soul,
                                     std::string_view key) const {
  const Node* node = get(soul);
  if (node == nullptr) return std::nullopt;
  const auto slot = node->find(key);
  if (!slot) return std::nullopt;
  return Entry{node->value(*slot), node->state(*slot)};
}

Status GraphStore::validate(const Graph& delta,
                            std::size_t* future_fields) const {
  if (delta.field_count() > options_.max_put_fields) {
    return Status::resource_exhausted("put has " +
                                      std::to_string(delta.field_count()) +
                                      " fields, more than max_put_fields " +
                                      std::to_string(options_.max_put_fields));
  }
  const double now = machine_time();
  std::size_t future = 0;
  for (const NodeDelta& node : delta.nodes()) {
    if (node.soul.empty()) return Status::invalid_argument("empty soul");
    if (auto problem = text_problem(node.soul, options_.max_soul_bytes);
        !problem.empty()) {
      return Status::invalid_argument("soul " + quoted(node.soul) + ": soul " +
                                      problem);
    }
    for (const Field& field : node.fields) {
      if (field.key.empty()) continue;  // dropped at ingest, as GUN.js does
      auto field_error = [&](const std::string& what) {
        return Status::invalid_argument(where(node.soul, field.key) + what);
      };
      if (auto problem = text_problem(field.key, options_.max_key_bytes);
          !problem.empty()) {
        return field_error("key " + problem);
      }
      if (!std::isfinite(field.state)) {
        return field_error("state is not a finite number");
      }
      if (field.state > now) ++future;
      const std::string* text = nullptr;
      if (field.value.is_string()) text = &field.value.as_string();
      if (field.value.is_link()) text = &field.value.as_link().soul();
      if (text == nullptr) continue;
      if (auto problem = text_problem(*text, options_.max_value_bytes);
          !problem.empty()) {
        return field_error("value " + problem);
      }
    }
  }
  if (deferred_.size() + reserved_deferrals_ + future > options_.max_deferred) {
    return Status::resource_exhausted(
        "put has " + std::to_string(future) +
        " fields from the future; with those already waiting that exceeds "
        "max_deferred " +
        std::to_string(options_.max_deferred));
  }
  *future_fields = future;
  return Status::ok();
}

Status GraphStore::put(Graph delta, PutCallback done) {
  if (jobs_.size() >= options_.max_pending_jobs) {
    return Status::resource_exhausted(
        "max_pending_jobs " + std::to_string(options_.max_pending_jobs) +
        " puts and reads are already queued");
  }
  std::size_t future = 0;
  if (Status s = validate(delta, &future); !s) return s;
  reserved_deferrals_ += future;
  return enqueue(
      std::make_unique<IngestJob>(delta.take_nodes(), future, std::move(done)));
}

Status GraphStore::write(std::string_view soul,
                         std::vector<std::pair<std::string, Value>> fields,
                         PutCallback done) {
  for (const auto& [key, value] : fields) {
    if (key.empty()) {
      return Status::invalid_argument("soul " + quoted(soul) + ": empty key");
    }
  }
  Graph delta;
  delta.reserve(soul, fields.size());
  const State state = state_clock_.next();
  for (auto& [key, value] : fields) {
    delta.add(soul, std::move(key), std::move(value), state);
  }
  return put(std::move(delta), std::move(done));
}

Status GraphStore::read(std::string_view soul, ChunkCallback on_chunk,
                        std::size_t keys_per_chunk) {
  const Node* node = get(soul);
  if (node == nullptr) {
    return Status::not_found("soul " + quoted(soul) + " does not exist");
  }
  if (jobs_.size() >= options_.max_pending_jobs) {
    return Status::resource_exhausted(
        "max_pending_jobs " + std::to_string(options_.max_pending_jobs) +
        " puts and reads are already queued");
  }
  if (keys_per_chunk == 0) keys_per_chunk = options_.keys_per_chunk;
  return enqueue(std::make_unique<ReadJob>(
      std::string(soul), *node, keys_per_chunk, std::move(on_chunk)));
}

Status GraphStore::enqueue(std::unique_ptr<Job> job) {
  jobs_.push_back(std::move(job));
  scheduler_->defer([this] { run_job_turn(); }, owner_);
  return Status::ok();
}

void GraphStore::run_job_turn() {
  // One scheduler task is queued per pending turn, and jobs rotate in the
  // same FIFO order, so the front job is the one this task belongs to.
  std::unique_ptr<Job> job = std::move(jobs_.front());
  jobs_.pop_front();
  if (job->run_turn(*this)) return;
  jobs_.push_back(std::move(job));
  scheduler_->defer([this] { run_job_turn(); }, owner_);
}

HamDecision GraphStore::resolve(std::string_view soul, Node*& node,
                                std::string& key, Value& value, State state,
                                double now) {
  ++stats_.keys_visited;
  // HAM's first rule needs no lookup, and against an absent key HAM always
  // converges; so one probe finds the field or inserts it as new.
  if (state > now) {
    defer(soul, std::move(key), std::move(value), state, now);
    return HamDecision::kDefer;
  }
  if (node == nullptr) node = &nodes_[std::string(soul)];
  const auto [slot, inserted] =
      node->try_emplace(std::move(key), std::move(value), state);
  HamDecision decision = HamDecision::kConverge;
  if (!inserted) {
    decision = ham(now, state, value, node->state(slot), node->value(slot));
    if (decision == HamDecision::kConverge) {
      node->assign(slot, std::move(value), state);
    }
  }
  if (decision != HamDecision::kConverge) {
    ++stats_.ignored;
    return decision;
  }
  ++stats_.applied;
  notify(soul, node->key(slot), node->value(slot), state);
  return decision;
}

void GraphStore::defer(std::string_view soul, std::string key, Value value,
                       State state, double now) {
  ++stats_.deferrals;
  const std::uint64_t id = ++last_deferred_id_;
  deferred_.emplace(
      id, Deferred{std::string(soul), std::move(key), std::move(value), state});
  // Due exactly at `state` when the wait fits, so the retry cannot fall an
  // ulp short and defer again.
  const double due = state - now <= options_.max_defer_wait_ms
                         ? state
                         : now + options_.max_defer_wait_ms;
  scheduler_->add_timer(
      due, [this, id] { retry_deferred(id); }, owner_);
}

void GraphStore::retry_deferred(std::uint64_t deferred_id) {
  auto node_handle = deferred_.extract(deferred_id);
  Deferred& d = node_handle.mapped();
  Node* node = find_node(d.soul);
  resolve(d.soul, node, d.key, d.value, d.state, machine_time());
}

SubscriptionId GraphStore::subscribe(std::string soul,
                                     ChangeCallback on_change) {
  const SubscriptionId id = ++last_subscription_;
  soul_subscribers_[soul].push_back(Subscriber{id, std::move(on_change), true});
  subscription_souls_.emplace(id, std::move(soul));
  return id;
}

SubscriptionId GraphStore::subscribe_all(ChangeCallback on_change) {
  const SubscriptionId id = ++last_subscription_;
  all_subscribers_.push_back(Subscriber{id, std::move(on_change), true});
  subscription_souls_.emplace(id, std::string());  // "" is never a soul
  return id;
}

bool GraphStore::unsubscribe(SubscriptionId id) {
  auto it = subscription_souls_.find(id);
  if (it == subscription_souls_.end()) return false;
  auto& list =
      it->second.empty() ? all_subscribers_ : soul_subscribers_[it->second];
  for (Subscriber& s : list) {
    if (s.id == id) s.active = false;
  }
  subscription_souls_.erase(it);
  needs_compaction_ = true;
  if (dispatch_depth_ == 0) compact_subscribers();
  return true;
}

void GraphStore::compact_subscribers() {
  auto inactive = [](const Subscriber& s) { return !s.active; };
  std::erase_if(all_subscribers_, inactive);
  for (auto it = soul_subscribers_.begin(); it != soul_subscribers_.end();) {
    std::erase_if(it->second, inactive);
    it = it->second.empty() ? soul_subscribers_.erase(it) : std::next(it);
  }
  needs_compaction_ = false;
}

void GraphStore::notify(std::string_view soul, std::string_view key,
                        const Value& value, State state) {
  if (soul_subscribers_.empty() && all_subscribers_.empty()) return;
  const Change change{soul, key, value, state};
  ++dispatch_depth_;
  if (auto it = soul_subscribers_.find(std::string(soul));
      it != soul_subscribers_.end()) {
    dispatch(it->second, change);
  }
  dispatch(all_subscribers_, change);
  --dispatch_depth_;
  if (dispatch_depth_ == 0 && needs_compaction_) compact_subscribers();
}

void GraphStore::dispatch(std::deque<Subscriber>& subscribers,
                          const Change& change) {
  // Subscribers added during dispatch wait for the next change; deque
  // references survive push_back, and removal is deferred to compaction.
  const std::size_t n = subscribers.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (subscribers[i].active) invoke_guarded(subscribers[i].callback, change);
  }
}

void GraphStore::for_each_node(
    const std::function<void(std::string_view, const Node&)>& fn) const {
  for (const auto& [soul, node] : nodes_) fn(soul, node);
}

void GraphStore::for_each_deferred(
    const std::function<void(std::string_view, std::string_view, const Value&,
                             State)>& fn) const {
  for (const auto& [id, d] : deferred_) fn(d.soul, d.key, d.value, d.state);
}

std::size_t GraphStore::memory_bytes() const {
  std::size_t bytes = 0;
  for (const auto& [soul, node] : nodes_) {
    bytes += node.memory_bytes() + soul.capacity();
  }
  return bytes;
}

}  // namespace gunpp
