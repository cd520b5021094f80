#include "validate.hpp"

#include <cmath>
#include <string>
#include <string_view>

#include "error_text.hpp"

namespace gunpp::detail {

namespace {

// Why `text` cannot be stored ("is longer than N bytes", "is not valid
// UTF-8"), or "" when it can. Cheap on the good path: no allocation.
std::string text_problem(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return "is longer than " + std::to_string(max_bytes) + " bytes";
  }
  if (!is_valid_utf8(text)) return "is not valid UTF-8";
  return {};
}

}  // namespace

Status validate_delta(const Graph& delta, const StoreOptions& options,
                      double now, std::size_t* future_fields) {
  if (delta.field_count() > options.max_put_fields) {
    return Status::resource_exhausted("put has " +
                                      std::to_string(delta.field_count()) +
                                      " fields, more than max_put_fields " +
                                      std::to_string(options.max_put_fields));
  }
  std::size_t future = 0;
  for (const NodeDelta& node : delta.nodes()) {
    if (node.soul.empty()) return Status::invalid_argument("empty soul");
    if (auto problem = text_problem(node.soul, options.max_soul_bytes);
        !problem.empty()) {
      return Status::invalid_argument("soul " + quoted(node.soul) + ": soul " +
                                      problem);
    }
    for (const Field& field : node.fields) {
      if (field.key.empty()) continue;  // dropped at ingest, as GUN.js does
      auto field_error = [&](const std::string& what) {
        return Status::invalid_argument(where(node.soul, field.key) + what);
      };
      if (auto problem = text_problem(field.key, options.max_key_bytes);
          !problem.empty()) {
        return field_error("key " + problem);
      }
      if (!std::isfinite(field.state)) {
        return field_error("state is not a finite number");
      }
      if (field.state > now) ++future;
      std::string_view text;
      if (field.value.is_string()) {
        text = field.value.as_string();
      } else if (field.value.is_link()) {
        text = field.value.link_soul();
      } else {
        continue;
      }
      if (auto problem = text_problem(text, options.max_value_bytes);
          !problem.empty()) {
        return field_error("value " + problem);
      }
    }
  }
  *future_fields = future;
  return Status::ok();
}

}  // namespace gunpp::detail
