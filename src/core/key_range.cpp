#include "gunpp/key_range.hpp"

#include "gunpp/value.hpp"

namespace gunpp {

bool KeyRange::matches(std::string_view key) const {
  if (exact && key != *exact) return false;
  if (!key.starts_with(prefix)) return false;
  if (from && utf16_compare(key, *from) < 0) return false;
  return !to || utf16_compare(key, *to) <= 0;
}

}  // namespace gunpp
