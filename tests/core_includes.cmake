# Checks that the core layer (src/core/ and the headers listed in
# CORE_HEADERS, separated by '|') includes nothing outside the C++ standard
# library and the core itself: no third-party library, no other layer. The
# exceptions are memory advice from the OS and the sanitizers' interfaces,
# in one file (os_header_owners).
# Usage: cmake -DSOURCE_DIR=... -DCORE_HEADERS=a|b|c -P core_includes.cmake
cmake_minimum_required(VERSION 3.25)
string(REPLACE "|" ";" core_headers "${CORE_HEADERS}")

set(std_headers
  algorithm any array atomic barrier bit bitset cassert cctype cerrno cfenv
  cfloat charconv chrono cinttypes climits clocale cmath codecvt compare
  complex concepts condition_variable coroutine csetjmp csignal cstdarg
  cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar cwctype deque
  exception execution filesystem format forward_list fstream functional
  future initializer_list iomanip ios iosfwd iostream istream iterator latch
  limits list locale map memory memory_resource mutex new numbers numeric
  optional ostream queue random ranges ratio regex scoped_allocator semaphore
  set shared_mutex source_location span sstream stack stdexcept stop_token
  streambuf string string_view syncstream system_error thread tuple
  type_traits typeindex typeinfo unordered_map unordered_set utility valarray
  variant vector version)

# Operating-system headers, each allowed in one core file only: the file
# that owns that concern. The sanitizers' interfaces (sanitizer builds only)
# belong with the memory the core maps itself.
set(os_header_owners
  "sys/mman.h=src/core/page_advice.cpp"
  "unistd.h=src/core/page_advice.cpp"
  "sanitizer/lsan_interface.h=src/core/page_advice.cpp"
  "sanitizer/asan_interface.h=src/core/page_advice.cpp")

set(core_public "")
foreach(header IN LISTS core_headers)
  string(REGEX REPLACE "^include/" "" public "${header}")
  list(APPEND core_public "${public}")
endforeach()

file(GLOB core_sources "${SOURCE_DIR}/src/core/*")
set(files ${core_sources})
foreach(header IN LISTS core_headers)
  list(APPEND files "${SOURCE_DIR}/${header}")
endforeach()

set(violations "")
foreach(file IN LISTS files)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include")
  foreach(line IN LISTS lines)
    if(line MATCHES "#[ \t]*include[ \t]*<([^>]+)>")
      set(name "${CMAKE_MATCH_1}")
      if(name IN_LIST std_headers OR name IN_LIST core_public)
        continue()
      endif()
      file(RELATIVE_PATH relative "${SOURCE_DIR}" "${file}")
      if("${name}=${relative}" IN_LIST os_header_owners)
        continue()
      endif()
    elseif(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
      set(name "${CMAKE_MATCH_1}")
      if(name IN_LIST core_public OR EXISTS "${SOURCE_DIR}/src/core/${name}")
        continue()
      endif()
    endif()
    list(APPEND violations "${file}: ${line}")
  endforeach()
endforeach()

list(LENGTH files checked)
if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "the core includes what is not the standard library "
                      "or the core:\n  ${text}")
endif()
if(checked LESS 20)
  message(FATAL_ERROR "only ${checked} core files found: is SOURCE_DIR right?")
endif()
message(STATUS "core includes: ${checked} files, standard library and core only")
