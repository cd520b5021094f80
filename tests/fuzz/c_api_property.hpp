// The C ABI's fuzz property: any bytes as souls, keys, values, states, path
// keys, chain data, pairs and LEX bounds, through include/gunpp/gunpp.h
// only. Every call returns a status with a message or succeeds; a put that
// succeeds reads back exactly, one that fails leaves nothing behind.
#ifndef GUNPP_TESTS_FUZZ_C_API_PROPERTY_HPP_
#define GUNPP_TESTS_FUZZ_C_API_PROPERTY_HPP_

#include <gunpp/gunpp.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace gunpp::testing {

namespace c_api_detail {

// The input cut at 0xFF bytes (never part of UTF-8), at most `n` parts.
inline std::vector<std::string_view> parts(std::string_view bytes,
                                           std::size_t n) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < n) {
    const std::size_t cut = bytes.find('\xff');
    if (cut == std::string_view::npos) break;
    out.push_back(bytes.substr(0, cut));
    bytes.remove_prefix(cut + 1);
  }
  out.push_back(bytes);
  while (out.size() < n) out.emplace_back();
  return out;
}

inline gunpp_str str(std::string_view s) { return {s.data(), s.size()}; }

inline void ignore_snapshot(void*, gunpp_str, int32_t, gunpp_str) {}
inline void ignore_chunk(void*, const gunpp_node*, int32_t) {}

}  // namespace c_api_detail

// Empty when the property holds for `bytes`, else what broke.
inline std::string c_api_property_violation(std::string_view bytes) {
  using c_api_detail::str;
  const auto p = c_api_detail::parts(bytes, 5);
  const std::string_view soul = p[0], key = p[1], value = p[2], json = p[3],
                         extra = p[4];
  double state = 1;
  if (extra.size() >= sizeof(double)) std::memcpy(&state, extra.data(), 8);

  gunpp_options options = GUNPP_OPTIONS_INIT;
  options.read_wait_ms = 1;
  options.read_timeout_ms = 1;
  gunpp_peer* peer = nullptr;
  if (gunpp_open(&options, &peer) != GUNPP_OK) return "open failed";
  std::string violation;
  const auto expect = [&violation](bool ok, const char* what) {
    if (!ok && violation.empty()) violation = what;
  };

  const gunpp_field field = {str(key), {GUNPP_STRING, 0, 0, str(value)}, state};
  const int put = gunpp_put(peer, str(soul), &field, 1, nullptr, nullptr);
  expect(put == GUNPP_OK || gunpp_last_error_size() > 0,
         "a refused put has no message");
  expect(gunpp_run_until_idle(peer) == GUNPP_OK, "pump failed");
  gunpp_node* node = nullptr;
  const int got = gunpp_get_field(peer, str(soul), str(key), &node);
  if (put != GUNPP_OK) {
    expect(got != GUNPP_OK, "a refused put left a field behind");
  } else if (got == GUNPP_OK) {
    expect(node->count == 1 && node->fields[0].state == state &&
               std::string_view(node->fields[0].value.text.data,
                                node->fields[0].value.text.size) == value,
           "a put does not read back exactly");
  } else {
    // Not held: only a field from the future (deferred) or with key "".
    const double now_ms =
        std::chrono::duration<double, std::milli>(
            std::chrono::system_clock::now().time_since_epoch())
            .count();
    expect(key.empty() || state > now_ms, "an accepted put was lost");
  }
  gunpp_node_free(node);
  if (put == GUNPP_OK && !key.empty()) {
    gunpp_buf text{};
    if (gunpp_get_json(peer, str(soul), GUNPP_JSON_GUN, &text) == GUNPP_OK) {
      expect(text.size > 0 && text.data[text.size] == '\0',
             "JSON not terminated");
    }
    gunpp_buf_free(&text);
  }

  gunpp_lex range = {str(key), str(value), str(json), str(extra)};
  (void)gunpp_read(peer, str(soul), &range, value.size(), 0,
                   c_api_detail::ignore_chunk, nullptr);

  const gunpp_str keys[] = {str(soul), str(key)};
  const gunpp_path path = {keys, 2, nullptr};
  const int chain =
      gunpp_chain_put(peer, &path, str(json), 1, nullptr, nullptr);
  expect(chain == GUNPP_OK || gunpp_last_error_size() > 0,
         "a refused chain put has no message");
  (void)gunpp_chain_once(peer, &path, 2, c_api_detail::ignore_snapshot,
                         nullptr);
  expect(gunpp_run_until_idle(peer) == GUNPP_OK, "pump failed");

  gunpp_pair* pair = nullptr;
  if (gunpp_pair_from_json(str(json), &pair) == GUNPP_OK) {
    gunpp_buf again{};
    expect(gunpp_pair_to_json(pair, &again) == GUNPP_OK, "pair to JSON");
    gunpp_pair_free(pair);
    gunpp_buf_free(&again);
  }
  (void)gunpp_verify(str(value), str(json), str(key));
  gunpp_close(peer);
  return violation;
}

}  // namespace gunpp::testing

#endif  // GUNPP_TESTS_FUZZ_C_API_PROPERTY_HPP_
