#include "gunpp/ham.hpp"

namespace gunpp {

HamDecision ham(double machine_time, State incoming_state,
                const Value& incoming_value, State current_state,
                const Value& current_value) {
  if (incoming_state > machine_time) return HamDecision::kDefer;
  if (incoming_state < current_state) return HamDecision::kHistorical;
  if (incoming_state == current_state) {
    // Identical values skip the formatting; otherwise the larger form wins.
    if (incoming_value == current_value ||
        lexical_compare(incoming_value, current_value) <= 0) {
      return HamDecision::kKeepCurrent;
    }
  }
  return HamDecision::kConverge;
}

std::string_view to_string(HamDecision decision) {
  switch (decision) {
    case HamDecision::kDefer:
      return "defer";
    case HamDecision::kHistorical:
      return "historical";
    case HamDecision::kKeepCurrent:
      return "keep-current";
    case HamDecision::kConverge:
      return "converge";
  }
  return "unknown";
}

}  // namespace gunpp
