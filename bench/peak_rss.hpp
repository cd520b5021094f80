// What the benchmark runners report of their own memory.
#ifndef GUNPP_BENCH_PEAK_RSS_HPP_
#define GUNPP_BENCH_PEAK_RSS_HPP_

#include <fstream>
#include <string>

namespace gunpp::bench {

// The process's peak resident memory (VmHWM), in MiB; 0 when unknown.
inline double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024;
  }
  return 0;
}

}  // namespace gunpp::bench

#endif  // GUNPP_BENCH_PEAK_RSS_HPP_
