// SliceBaselineJob: GUN.js's ingest, for gunpp's benchmarks only
// (detail::StoreAccess::use_slice_baseline). Each turn first copies the key
// names still to do in its node, as GUN.js's keys.slice(9) does: O(n) a
// turn and O(n^2) a node; then the turn runs as IngestJob's. The copies
// are counted in keys_copied.
#ifndef GUNPP_SRC_CORE_SLICE_BASELINE_JOB_HPP_
#define GUNPP_SRC_CORE_SLICE_BASELINE_JOB_HPP_

#include <string>
#include <utility>
#include <vector>

#include "jobs.hpp"
#include "store_impl.hpp"

namespace gunpp::detail {

class SliceBaselineJob final : public Job {
 public:
  explicit SliceBaselineJob(IngestJob ingest) : ingest_(std::move(ingest)) {}

  Turn run_turn(GraphStore::Impl& store) override {
    remaining_.clear();
    for (const Field& field : ingest_.pending_fields()) {
      remaining_.push_back(field.key);
    }
    store.keys_copied += remaining_.size();
    return ingest_.run_turn(store);
  }
  void cancel(GraphStore::Impl& store) override { ingest_.cancel(store); }

 private:
  IngestJob ingest_;
  std::vector<std::string> remaining_;  // this turn's copy
};

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_SLICE_BASELINE_JOB_HPP_
