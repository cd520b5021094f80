// The wire layer's umbrella header: GUN's JSON wire format and its protocol
// over a GraphStore, with no sockets. Link gunpp::wire (or gunpp::gunpp).
#ifndef GUNPP_WIRE_HPP_
#define GUNPP_WIRE_HPP_

#include "gunpp/gunpp.hpp"               // IWYU pragma: export
#include "gunpp/wire/graph_json.hpp"     // IWYU pragma: export
#include "gunpp/wire/json_writer.hpp"    // IWYU pragma: export
#include "gunpp/wire/message.hpp"        // IWYU pragma: export
#include "gunpp/wire/wire_protocol.hpp"  // IWYU pragma: export

#endif  // GUNPP_WIRE_HPP_
