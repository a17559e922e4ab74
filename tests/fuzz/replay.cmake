# SPDX-License-Identifier: Apache-2.0
# Replay every fuzz target's seeds (tests/fuzz/corpus/<name>/) and
# findings (tests/fuzz/regressions/<name>/) as a normal ctest, with the
# compiler of the build and under ASan+UBSan in build-asan: a fuzz crash,
# once fixed, stays fixed. The bounded fuzzing itself needs clang
# (tests/fuzz/CMakeLists.txt, ctest -L fuzz, scripts/fuzz.sh).
foreach(name gitignore dockerignore content aws glob registry http_headers
    manifest)
  set(dirs)
  foreach(d corpus regressions)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${d}/${name})
      list(APPEND dirs ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${d}/${name})
    endif()
  endforeach()
  if(NOT dirs)
    continue()
  endif()
  add_executable(fuzz_replay_${name}
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${name}.c
    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/replay_main.c
    $<TARGET_OBJECTS:ecra_objects>)
  target_include_directories(fuzz_replay_${name} PRIVATE
    ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(fuzz_replay_${name} PRIVATE ${ECRA_WARNINGS})
  target_link_libraries(fuzz_replay_${name} PRIVATE ${ECRA_LIBS})
  add_test(NAME fuzz_replay_${name} COMMAND fuzz_replay_${name} ${dirs})
  set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS "unit;fuzz_replay")
endforeach()
