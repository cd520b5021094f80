// HAM: GUN's conflict resolution for one field, as a pure function.
//
// Every peer that runs these rules on the same updates, in any order, ends in
// the same graph. The rules (and their order) are GUN.js's exactly:
//
//   1. incoming state > machine time      -> kDefer (retry when due)
//   2. incoming state < current state     -> kHistorical (ignore)
//   3. equal states, and L(incoming) <= L(current)
//                                          -> kKeepCurrent (ignore)
//   4. otherwise                           -> kConverge (take the incoming)
//
// where L is the lexical form (JSON.stringify) compared by UTF-16 code units.
// A key that does not exist has state kNoState, so any finite incoming state
// converges against it.
#ifndef GUNPP_HAM_HPP_
#define GUNPP_HAM_HPP_

#include <string_view>

#include "gunpp/state.hpp"
#include "gunpp/value.hpp"

namespace gunpp {

enum class HamDecision {
  kDefer,        // from the future: re-evaluate once machine time reaches it
  kHistorical,   // older than what we hold: ignore
  kKeepCurrent,  // same state, and the current value wins or is identical
  kConverge,     // newer, or wins the tie: take the incoming value and state
};

// Decides what to do with an incoming field. `current_value` is ignored when
// `current_state` is kNoState (the key is absent). No I/O, no side effects.
// Requires finite `incoming_state` and `machine_time`.
HamDecision ham(double machine_time, State incoming_state,
                const Value& incoming_value, State current_state,
                const Value& current_value);

std::string_view to_string(HamDecision decision);

}  // namespace gunpp

#endif  // GUNPP_HAM_HPP_
