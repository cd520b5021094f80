# Installs the gunpp build in GUNPP_BINARY_DIR to a scratch prefix, then
# configures, builds and runs the consumer projects against it, with
# nlohmann_json hidden: find_package cannot find it, and its header fails to
# compile if anything includes it. Neither the core nor the wire layer's
# public side may need it.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
set(poison "${WORK_DIR}/poison")
file(WRITE "${poison}/nlohmann/json.hpp"
     "#error \"a gunpp public header needs nlohmann_json\"\n")

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}")
  endif()
endfunction()

run_step(${CMAKE_COMMAND} --install "${GUNPP_BINARY_DIR}" --prefix "${prefix}")
run_step(${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${WORK_DIR}/build"
         -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release
         -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON
         "-DCMAKE_CXX_FLAGS=-I${poison}")
run_step(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run_step("${WORK_DIR}/build/consumer")
run_step("${WORK_DIR}/build/core_consumer")
