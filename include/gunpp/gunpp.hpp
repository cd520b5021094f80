// The core's umbrella header: values, states, HAM, nodes, graphs, the
// scheduler and the store; nothing but the standard library underneath. Link
// gunpp::core. The wire layer has its own umbrella, gunpp/wire.hpp.
#ifndef GUNPP_GUNPP_HPP_
#define GUNPP_GUNPP_HPP_

#include "gunpp/graph.hpp"        // IWYU pragma: export
#include "gunpp/graph_store.hpp"  // IWYU pragma: export
#include "gunpp/ham.hpp"          // IWYU pragma: export
#include "gunpp/key_range.hpp"    // IWYU pragma: export
#include "gunpp/memory_storage.hpp"  // IWYU pragma: export
#include "gunpp/node.hpp"         // IWYU pragma: export
#include "gunpp/options.hpp"      // IWYU pragma: export
#include "gunpp/scheduler.hpp"    // IWYU pragma: export
#include "gunpp/state.hpp"        // IWYU pragma: export
#include "gunpp/status.hpp"       // IWYU pragma: export
#include "gunpp/storage.hpp"      // IWYU pragma: export
#include "gunpp/value.hpp"        // IWYU pragma: export

#endif  // GUNPP_GUNPP_HPP_
