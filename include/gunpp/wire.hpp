// The wire layer's umbrella header: GUN's JSON wire format and its protocol
// over a GraphStore, with no sockets. Link gunpp::wire (or gunpp::gunpp).
#ifndef GUNPP_WIRE_HPP_
#define GUNPP_WIRE_HPP_

#include "gunpp/dedup.hpp"          // IWYU pragma: export
#include "gunpp/graph_builder.hpp"  // IWYU pragma: export
#include "gunpp/graph_json.hpp"     // IWYU pragma: export
#include "gunpp/gunpp.hpp"          // IWYU pragma: export
#include "gunpp/json_writer.hpp"    // IWYU pragma: export
#include "gunpp/message.hpp"        // IWYU pragma: export
#include "gunpp/message_ids.hpp"    // IWYU pragma: export
#include "gunpp/wire_protocol.hpp"  // IWYU pragma: export

#endif  // GUNPP_WIRE_HPP_
