// libFuzzer entry point: any bytes as a GUN wire frame, through the decoder,
// the endpoint and the store. Every input must leave a store that is
// consistent with what the endpoint reported, with no crash, no sanitizer
// report and bounded memory.
#include <gunpp/gunpp.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  gunpp::ManualClock clock(1'000'000);
  gunpp::Scheduler scheduler(clock);
  gunpp::Options options;
  options.max_deferred = 64;
  gunpp::GraphStore store(scheduler, options);
  gunpp::Endpoint endpoint(store);

  std::size_t reply_bytes = 0;
  const auto reply = [&reply_bytes](const std::string& frame) {
    // Every reply is itself a frame the decoder accepts.
    check(gunpp::decode_frame(frame).is_ok());
    reply_bytes += frame.size();
  };
  const gunpp::Received received = endpoint.receive(text, reply);
  // Feed it twice: the second time every message with an id is a duplicate.
  const gunpp::Received again = endpoint.receive(text, reply);
  check(received.frame == again.frame);
  check(received.messages.size() == again.messages.size());

  scheduler.run_until_idle();
  clock.advance(1e9);  // deferred fields up to here come due
  scheduler.run_until_idle();
  check(store.pending_jobs() == 0);
  check(store.deferred_count() <= options.max_deferred);
  store.for_each_deferred([&clock](std::string_view, std::string_view,
                                   const gunpp::Value&, gunpp::State state) {
    check(state > clock.now_ms());
  });

  // Canonical output of whatever was applied decodes again.
  const auto decoded =
      gunpp::decode_frame("{\"put\":" + gunpp::encode_graph(store) + "}");
  check(decoded.is_ok() && decoded->messages.size() == 1 &&
        decoded->messages[0].error.is_ok());
  return 0;
}
