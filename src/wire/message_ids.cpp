#include "message_ids.hpp"

#include <random>

namespace gunpp {

namespace {

std::string base36(std::uint64_t n) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[n % 36]);
    n /= 36;
  } while (n > 0);
  return out;
}

}  // namespace

MessageIds::MessageIds() : prefix_(random_id(8) + ".") {}

std::string MessageIds::next() { return prefix_ + base36(++counter_); }

std::string MessageIds::random_id(std::size_t length) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::random_device device;
  std::mt19937_64 random((static_cast<std::uint64_t>(device()) << 32) ^
                         device());
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  std::string out(length, '0');
  for (char& c : out) c = kAlphabet[pick(random)];
  return out;
}

}  // namespace gunpp
