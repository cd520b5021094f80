// The umbrella header: everything a gunpp application needs.
#ifndef GUNPP_GUNPP_HPP_
#define GUNPP_GUNPP_HPP_

#include "gunpp/dedup.hpp"        // IWYU pragma: export
#include "gunpp/endpoint.hpp"     // IWYU pragma: export
#include "gunpp/graph.hpp"        // IWYU pragma: export
#include "gunpp/graph_store.hpp"  // IWYU pragma: export
#include "gunpp/ham.hpp"          // IWYU pragma: export
#include "gunpp/node.hpp"         // IWYU pragma: export
#include "gunpp/options.hpp"      // IWYU pragma: export
#include "gunpp/scheduler.hpp"    // IWYU pragma: export
#include "gunpp/state.hpp"        // IWYU pragma: export
#include "gunpp/status.hpp"       // IWYU pragma: export
#include "gunpp/value.hpp"        // IWYU pragma: export
#include "gunpp/wire.hpp"         // IWYU pragma: export

#endif  // GUNPP_GUNPP_HPP_
