// A signed user: create a GUN user as user.create does, write signed data
// as user.get(...).put(...) does, and let the store check SEA on every put,
// so a forged write is refused whole. GUN.js peers accept the same data and
// log in as this user with its alias and password.
#include <gunpp/gunpp.hpp>
#include <gunpp/sea/signing.hpp>
#include <gunpp/sea/verifier.hpp>
#include <iostream>

int main() {
  gunpp::Scheduler scheduler;
  gunpp::sea::SeaVerifier sea;  // outlives the store
  gunpp::StoreOptions options;
  options.verifier = &sea;  // every put is checked before it is queued
  gunpp::GraphStore store(scheduler, options);

  const gunpp::sea::KeyPair alice = gunpp::sea::generate_pair();
  const std::string soul = gunpp::sea::user_soul(alice);  // "~<pub>"
  auto user = gunpp::sea::create_user_graph("alice", "correct horse battery",
                                            alice, store.next_state());
  auto profile = gunpp::sea::sign_graph(
      alice, soul, {{"name", "Alice"}, {"city", "Paris"}}, store.next_state());
  if (!user || !profile) {
    std::cerr << (user ? profile.status() : user.status()).to_string() << "\n";
    return 1;
  }
  if (gunpp::Status s = store.put(std::move(*user)); !s) return 1;
  if (gunpp::Status s = store.put(std::move(*profile)); !s) return 1;
  scheduler.run_until_idle();

  const std::optional<gunpp::Entry> name = store.get(soul, "name");
  std::cout << "stored " << soul.substr(0, 12)
            << "... name = " << gunpp::lexical_form(name->value) << "\n"
            << "opened: "
            << gunpp::lexical_form(
                   *gunpp::sea::open_field(name->value.as_string()))
            << "\n";

  // Mallory signs with her own key and writes into Alice's space.
  const gunpp::sea::KeyPair mallory = gunpp::sea::generate_pair();
  const gunpp::State now = store.next_state();
  auto forged = gunpp::sea::sign_field(soul, "name", gunpp::Value("Mallory"),
                                       now, mallory);
  if (!forged) return 1;
  gunpp::Graph forgery;
  forgery.add(soul, "name", gunpp::Value(*forged), now);
  const gunpp::Status refused = store.put(std::move(forgery));
  std::cout << "forgery: " << refused.to_string() << "\n";
  scheduler.run_until_idle();
  std::cout << "name is still "
            << gunpp::lexical_form(*gunpp::sea::open_field(
                   store.get(soul, "name")->value.as_string()))
            << "\n";
  return refused.code() == gunpp::Status::Code::kUnauthenticated ? 0 : 1;
}
