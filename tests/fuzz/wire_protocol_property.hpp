// The property every wire frame must keep, shared by the libFuzzer target
// and the regression tests that replay the inputs it found: any bytes, fed
// twice through the decoder, the wire protocol and the store, leave a store
// that is consistent with what the protocol reported, and every reply and the
// canonical graph decode again.
#ifndef GUNPP_TESTS_FUZZ_WIRE_PROTOCOL_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_WIRE_PROTOCOL_PROPERTY_HPP_

#include <cstdio>
#include <gunpp/wire.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace gunpp::testing {

// Everything a decoder reports of a frame, as text: numbers bit for bit.
inline std::string describe_decoded(const Result<DecodedFrame>& result) {
  if (!result.is_ok()) return "error: " + result.status().message();
  std::string out = "skipped " + std::to_string(result->skipped) + "\n";
  const auto number = [](double n) {
    char text[64];
    std::snprintf(text, sizeof text, "%a", n);
    return std::string(text);
  };
  const auto value = [&number](const Value& v) -> std::string {
    switch (v.kind()) {
      case Value::Kind::kNull:
        return "null";
      case Value::Kind::kBool:
        return v.as_bool() ? "true" : "false";
      case Value::Kind::kNumber:
        return number(v.as_number());
      case Value::Kind::kString:
        return "s:" + std::string(v.as_string());
      case Value::Kind::kLink:
        return "l:" + std::string(v.link_soul());
    }
    return "?";
  };
  const auto optional = [](const std::optional<std::string>& s) {
    return s ? "'" + *s + "'" : std::string("-");
  };
  for (const Message& m : result->messages) {
    out += "message #" + m.id + " @" + m.reply_to + " dam " + m.dam + " pid " +
           m.pid + " >< " + m.via + " ## " + (m.hash ? number(*m.hash) : "-") +
           " err " + optional(m.err) + " ok " + std::to_string(m.ok) +
           " has_put " + std::to_string(m.has_put) + " element " +
           std::to_string(m.element) + " in_string " +
           std::to_string(m.in_string) + " error " + m.error.message() + "\n";
    if (m.put) {
      for (const NodeDelta& node : m.put->nodes()) {
        out += " node " + node.soul + "\n";
        for (const Field& f : node.fields) {
          out += "  " + f.key + " = " + value(f.value) + " @ " +
                 number(f.state) + "\n";
        }
      }
    }
    if (m.get) {
      out += " get " + m.get->soul + " . " + optional(m.get->key) + " % " +
             std::to_string(m.get->byte_budget);
      if (m.get->lex) {
        const KeyRange& lex = *m.get->lex;
        out += " lex = " + optional(lex.exact) + " * '" + lex.prefix + "' > " +
               optional(lex.from) + " < " + optional(lex.to);
      }
      out += "\n";
    }
  }
  return out;
}

// The first broken invariant, or "" when `text` keeps them all.
inline std::string wire_protocol_property_violation(std::string_view text) {
  ManualClock clock(1'000'000);
  Scheduler scheduler(clock);
  StoreOptions options;
  options.max_deferred = 64;
  GraphStore store(scheduler, options);
  WireProtocol protocol(store);

  // The simdjson decoder and the reference decoder agree on every frame.
  if (describe_decoded(decode_frame(text)) !=
      describe_decoded(detail::decode_frame_reference(text))) {
    return "the two decoders disagree";
  }

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
