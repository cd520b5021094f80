#include "large_pages.hpp"

#if GUNPP_WITH_MIMALLOC
#include <mimalloc.h>
#endif

namespace gunpp::cli {

bool use_large_pages() {
#if GUNPP_WITH_MIMALLOC
  mi_option_enable(mi_option_large_os_pages);
  return true;
#else
  return false;
#endif
}

}  // namespace gunpp::cli
