// The checks a delta passes before any of it is queued: GraphStore::put is
// all or nothing.
#ifndef GUNPP_SRC_CORE_VALIDATE_HPP_
#define GUNPP_SRC_CORE_VALIDATE_HPP_

#include <cstddef>

#include "gunpp/graph.hpp"
#include "gunpp/options.hpp"
#include "gunpp/status.hpp"

namespace gunpp::detail {

// Checks `delta` against the bounds in `options`, in O(fields): field count,
// empty souls, soul/key/string lengths and UTF-8, finite states. On OK,
// `*future_fields` holds how many fields have a state after `now`. The
// errors are those listed at GraphStore::put, but for the deferral budget,
// which the store checks.
Status validate_delta(const Graph& delta, const StoreOptions& options,
                      double now, std::size_t* future_fields);

}  // namespace gunpp::detail

#endif  // GUNPP_SRC_CORE_VALIDATE_HPP_
