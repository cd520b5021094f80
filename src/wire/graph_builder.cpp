#include "graph_builder.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "core/error_text.hpp"
#include "core/page_advice.hpp"

namespace gunpp {

namespace {
constexpr double kNotANumber = std::numeric_limits<double>::quiet_NaN();
// Fields whose index probes are prefetched together.
constexpr std::size_t kProbeBatch = 16;

// An empty key (one already dropped) never matches.
bool same_key(const std::string& a, const std::string& b) {
  return !a.empty() && detail::same_key(a, b);
}
}  // namespace

void GraphBuilder::note_member(std::string_view name) {
  if (name == "#") saw_hash_ = true;
  if (name == ".") saw_dot_ = true;
}

Status GraphBuilder::fail_node(std::string_view reason) const {
  return detail::invalid_graph("soul " + detail::quoted(soul_) + ": " +
                               std::string(reason));
}

Status GraphBuilder::fail_field(std::string_view key,
                                std::string_view reason) const {
  return detail::invalid_graph(detail::where(soul_, key) + std::string(reason));
}

Status GraphBuilder::non_node(std::string_view soul, bool truthy) {
  note_member(soul);
  failed_ = true;
  return detail::invalid_graph("soul " + detail::quoted(soul) + ": " +
                               (truthy ? "no meta" : "no node"));
}

void GraphBuilder::begin_node(std::string soul, std::size_t members) {
  note_member(soul);
  soul_ = std::move(soul);
  fields_.clear();
  if (indexed_ > 0) field_index_.clear();
  indexed_ = 0;
  duplicates_ = 0;
  // Every member but the meta ("_") is a field. A node without one is
  // refused, so it never needs the slot this leaves out.
  const std::size_t fields = members > 0 ? members - 1 : 0;
  fields_.reserve(fields);
  if (fields > kProbeBatch) {
    detail::prefault(fields_.data(), fields * sizeof(Field));
    field_index_.reserve(fields, detail::SlotIndex::Fill::kAtOnce);
  }
  state_text_.clear();
  state_ends_.clear();
  states_.clear();
  has_meta_ = false;
  has_state_map_ = false;
  meta_soul_.reset();
}

Status GraphBuilder::meta_not_object() {
  failed_ = true;
  return fail_node("no meta");
}

void GraphBuilder::begin_meta() { has_meta_ = true; }

void GraphBuilder::meta_soul(std::string soul) { meta_soul_ = std::move(soul); }

Status GraphBuilder::states_not_object() {
  failed_ = true;
  return fail_node("no state");
}

void GraphBuilder::begin_states(std::size_t members) {
  has_state_map_ = true;
  // The keys' text is sized for keys of up to kStateKeyBytes on average
  // (GUN's keys are mostly shorter), so that a large node's states do not
  // grow it by doubling, copying it into fresh pages each time.
  state_text_.reserve(members * kStateKeyBytes);
  state_ends_.reserve(members);
  states_.reserve(members);
  detail::prefault(state_text_.data(), members * kStateKeyBytes);
  detail::prefault(state_ends_.data(), members * sizeof(std::size_t));
  detail::prefault(states_.data(), members * sizeof(double));
}

void GraphBuilder::state(std::string_view key, double state) {
  state_text_ += key;
  state_ends_.push_back(state_text_.size());
  states_.push_back(state);
}

Status GraphBuilder::bad_state(std::string_view key) {
  failed_ = true;
  return fail_field(key, "state is not a finite number");
}

void GraphBuilder::field(std::string key, Value value) {
  if (key.empty()) return;  // GUN.js skips the "" key without checks
  fields_.push_back(Field{std::move(key), std::move(value), kNotANumber});
  if (fields_.size() - indexed_ == kProbeBatch) drop_duplicates();
}

void GraphBuilder::drop_duplicates() {
  const auto key_at = [this](std::uint32_t s) -> const std::string& {
    return fields_[s].key;
  };
  // A batch's probes are prefetched together; each key is hashed once.
  std::array<std::size_t, kProbeBatch> hashes;
  while (indexed_ < fields_.size()) {
    const std::size_t first = indexed_;
    const std::size_t end = std::min(fields_.size(), first + kProbeBatch);
    for (std::size_t i = first; i < end; ++i) {
      hashes[i - first] = detail::SlotIndex::hash(fields_[i].key);
      field_index_.prefetch_hashed(hashes[i - first]);
    }
    for (; indexed_ < end; ++indexed_) {
      Field& field = fields_[indexed_];
      const auto slot = field_index_.find_or_insert(
          field.key, hashes[indexed_ - first],
          static_cast<std::uint32_t>(indexed_), key_at);
      if (slot != indexed_) {
        fields_[slot].value = std::move(field.value);
        field.key.clear();
        ++duplicates_;
      }
    }
  }
}

Status GraphBuilder::bad_field(std::string_view key, std::string_view what) {
  if (key.empty()) return Status::ok();
  failed_ = true;
  return fail_field(key, "bad value (" + std::string(what) + ")");
}

// A node that never filled a probe batch: each field is compared with the
// ones before it, which costs less than hashing every key.
void GraphBuilder::drop_duplicates_small() {
  for (std::size_t i = 1; i < fields_.size(); ++i) {
    Field& field = fields_[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (!same_key(fields_[j].key, field.key)) continue;
      fields_[j].value = std::move(field.value);
      field.key.clear();
      ++duplicates_;
      break;
    }
  }
}

std::string_view GraphBuilder::state_key(std::size_t i) const {
  const std::size_t from = i == 0 ? 0 : state_ends_[i - 1];
  return std::string_view(state_text_).substr(from, state_ends_[i] - from);
}

// The state of each field, by position when the states line up with the
// fields (then they also have no duplicates), else through an index where
// the last duplicate wins.
Status GraphBuilder::join_states() {
  bool aligned = state_ends_.size() == fields_.size();
  for (std::size_t i = 0; aligned && i < fields_.size(); ++i) {
    aligned = state_key(i) == fields_[i].key;
  }
  detail::SlotIndex index;
  auto key_at = [this](std::uint32_t s) { return state_key(s); };
  if (!aligned) {
    for (std::uint32_t i = 0; i < state_ends_.size(); ++i) {
      const std::uint32_t first = index.find_or_insert(state_key(i), i, key_at);
      if (first != i) states_[first] = states_[i];
    }
  }
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const std::uint32_t slot = aligned ? static_cast<std::uint32_t>(i)
                                       : index.find(fields_[i].key, key_at);
    if (slot == detail::SlotIndex::kNone) {
      return fail_field(fields_[i].key, "no state");
    }
    fields_[i].state = states_[slot];
    if (!std::isfinite(fields_[i].state)) {
      return fail_field(fields_[i].key, "state is not a finite number");
    }
  }
  return Status::ok();
}

Status GraphBuilder::end_node() {
  if (indexed_ == 0 && fields_.size() <= kProbeBatch) {
    drop_duplicates_small();
  } else {
    drop_duplicates();
  }
  if (duplicates_ > 0) {
    std::erase_if(fields_, [](const Field& f) { return f.key.empty(); });
  }
  Status status;
  if (!has_meta_) {
    status = fail_node("no meta");
  } else if (meta_soul_ != soul_) {
    status = fail_node("soul not same");
  } else if (!has_state_map_) {
    status = fail_node("no state");
  } else {
    status = join_states();
  }
  if (!status.is_ok()) failed_ = true;
  if (!failed_) graph_.set_node(std::move(soul_), std::move(fields_));
  return status;
}

void GraphBuilder::reset(std::size_t nodes) {
  *this = GraphBuilder(fields_memory_);
  graph_.reserve_nodes(nodes);
}

Graph GraphBuilder::take_graph() {
  Graph out = std::move(graph_);
  graph_ = Graph(fields_memory_);
  failed_ = saw_hash_ = saw_dot_ = false;
  return out;
}

}  // namespace gunpp
