// The property every wire frame must keep, shared by the libFuzzer target
// and the regression tests that replay the inputs it found: any bytes, fed
// twice through the decoder, the wire protocol and the store, leave a store
// that is consistent with what the protocol reported, and every reply and the
// canonical graph decode again.
#ifndef GUNPP_TESTS_FUZZ_WIRE_PROTOCOL_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_WIRE_PROTOCOL_PROPERTY_HPP_

#include <gunpp/wire.hpp>
#include <string>
#include <string_view>

namespace gunpp::testing {

// The first broken invariant, or "" when `text` keeps them all.
inline std::string wire_protocol_property_violation(std::string_view text) {
  ManualClock clock(1'000'000);
  Scheduler scheduler(clock);
  Options options;
  options.max_deferred = 64;
  GraphStore store(scheduler, options);
  WireProtocol protocol(store);

  std::string problem;
  const auto reply = [&problem](const std::string& frame) {
    if (problem.empty() && !decode_frame(frame).is_ok()) {
      problem = "a reply does not decode: " + frame;
    }
  };
  const Received received = protocol.receive(text, reply);
  // Fed twice: the second time every message with an id is a duplicate.
  const Received again = protocol.receive(text, reply);
  if (!(received.frame == again.frame) ||
      received.messages.size() != again.messages.size()) {
    return "the same frame decoded differently twice";
  }
  scheduler.run_until_idle();
  clock.advance(1e9);  // deferred fields up to here come due
  scheduler.run_until_idle();
  if (store.pending_jobs() != 0) return "jobs left after run_until_idle";
  if (store.deferred_count() > options.max_deferred) {
    return "more deferred fields than max_deferred";
  }
  store.for_each_deferred(
      [&](std::string_view, std::string_view, const Value&, State state) {
        if (state <= clock.now_ms()) problem = "a due field is still deferred";
      });
  const auto decoded = decode_frame("{\"put\":" + encode_graph(store) + "}");
  if (!decoded.is_ok() || decoded->messages.size() != 1 ||
      !decoded->messages[0].error.is_ok()) {
    return "the canonical graph does not decode as a valid put";
  }
  return problem;
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_WIRE_PROTOCOL_PROPERTY_HPP_
