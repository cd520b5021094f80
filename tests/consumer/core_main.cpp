// Writes one field through an installed gunpp, linking only gunpp::core.
#include <gunpp/gunpp.hpp>
#include <iostream>

int main() {
  gunpp::ManualClock clock(1000);
  gunpp::Scheduler scheduler(clock);
  gunpp::GraphStore store(scheduler);
  if (!store.write("greeting", {{"text", "hello"}})) return 1;
  scheduler.run_until_idle();
  const auto entry = store.get("greeting", "text");
  if (!entry || entry->value != gunpp::Value("hello")) return 1;
  std::cout << "core consumer read: " << entry->value.as_string() << "\n";
  return 0;
}
