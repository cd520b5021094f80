// gunpp quickstart: write a small graph, merge concurrent updates from a
// remote peer the way GUN.js would, and read the result back.
#include <chrono>
#include <gunpp/gunpp.hpp>
#include <iostream>
#include <limits>
#include <string>
#include <thread>

namespace {

void print_node(const gunpp::GraphStore& store, const std::string& soul) {
  const gunpp::Node* node = store.get(soul);
  if (node == nullptr) {
    std::cout << "  " << soul << ": (absent)\n";
    return;
  }
  for (std::size_t slot = 0; slot < node->size(); ++slot) {
    std::cout << "  " << soul << "." << node->key(slot) << " = "
              << gunpp::lexical_form(node->value(slot)) << "   (state "
              << gunpp::format_number(node->state(slot)) << ")\n";
  }
}

}  // namespace

int main() {
  // The host owns the loop: a scheduler on the real clock, pumped below.
  gunpp::Scheduler scheduler;
  gunpp::GraphStore store(scheduler);

  // Changes are announced to subscribers as they converge.
  store.subscribe_all([](const gunpp::Change& c) {
    std::cout << "  changed: " << c.soul << "." << c.key << " -> "
              << gunpp::lexical_form(c.value) << "\n";
  });

  std::cout << "1. A local write, stamped with this peer's state clock:\n";
  gunpp::Status status = store.write(
      "alice",
      {{"name", "Alice"}, {"age", 41}, {"best_friend", gunpp::Link("bob")}});
  if (status) status = store.write("bob", {{"name", "Bob"}});
  if (!status) {
    std::cerr << status.to_string() << "\n";
    return 1;
  }
  scheduler.run_until_idle();
  print_node(store, "alice");

  // A remote peer sends fields with its own states, relative to ours here.
  const gunpp::State local = store.get("alice", "name")->state;
  std::cout << "\n2. A remote peer's update arrives:\n"
            << "   age = 42 with a state 50 ms in our future (deferred until "
               "then),\n"
            << "   name = \"Alicia\" with exactly our state (a tie),\n"
            << "   nickname = \"Al\" with an older state (a new key, so it is "
               "taken anyway).\n";
  gunpp::Graph remote;
  remote.add("alice", "age", 42, local + 50)
      .add("alice", "name", "Alicia", local)
      .add("alice", "nickname", "Al", local - 1000);
  status = store.put(std::move(remote), [](const gunpp::Status& s,
                                           const gunpp::PutSummary& sum) {
    std::cout << "  put finished: " << s.to_string() << ", " << sum.applied
              << " applied, " << sum.ignored << " ignored, " << sum.deferred
              << " deferred\n";
  });
  if (!status) {
    std::cerr << status.to_string() << "\n";
    return 1;
  }
  // A host loop: pump, then sleep until the next timer is due.
  while (auto wake = scheduler.next_wakeup()) {
    const double wait_ms = *wake - scheduler.clock().now_ms();
    if (wait_ms > 0) {
      std::this_thread::sleep_for(
          std::chrono::duration<double, std::milli>(wait_ms));
    }
    scheduler.poll();
  }

  std::cout << "\n3. The merged node:\n";
  print_node(store, "alice");
  std::cout << "\nThe tie on \"name\" went to \"Alicia\": at equal states GUN "
               "keeps the value whose JSON text is larger\n"
               "(\"Alicia\" > \"Alice\" because 'i' > 'e' after the common "
               "prefix). Every GUN peer decides the same way.\n";

  std::cout << "\n4. A bad update is refused whole, with a reason:\n";
  gunpp::Graph bad;
  bad.add("alice", "age", 99, local + 5)
      .add("alice", "mood", "odd", std::numeric_limits<double>::quiet_NaN());
  std::cout << "  " << store.put(std::move(bad)).to_string() << "\n";
  std::cout << "  alice.age is still "
            << gunpp::lexical_form(store.get("alice", "age")->value) << "\n";
  return 0;
}
