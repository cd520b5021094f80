// Applies a wire message through an installed gunpp (gunpp::gunpp) and reads
// the field back.
#include <gunpp/wire.hpp>
#include <iostream>
#include <string>

int main() {
  gunpp::ManualClock clock(5000);
  gunpp::Scheduler scheduler(clock);
  gunpp::GraphStore store(scheduler);
  gunpp::WireProtocol protocol(store);
  std::string ack;
  protocol.receive(
      R"({"#":"m1","put":{"a":{"_":{"#":"a",">":{"x":1}},"x":"hello"}}})",
      [&ack](std::string reply) { ack = std::move(reply); });
  scheduler.run_until_idle();
  const auto entry = store.get("a", "x");
  if (!entry || entry->value != gunpp::Value("hello")) return 1;
  if (ack.find(R"("@":"m1")") == std::string::npos) return 1;
  std::cout << "consumer read: " << entry->value.as_string() << "\n";
  return 0;
}
