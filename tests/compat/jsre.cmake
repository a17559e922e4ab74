# Differential test of the internal JavaScript regex engine against V8.
add_executable(ecra_jsre_driver ${CMAKE_CURRENT_SOURCE_DIR}/compat/jsre_driver.c
  $<TARGET_OBJECTS:ecra_objects>)
target_include_directories(ecra_jsre_driver PRIVATE ${CMAKE_SOURCE_DIR}/include
  ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(ecra_jsre_driver PRIVATE ${ECRA_LIBS} PkgConfig::JANSSON)
find_program(ECRA_NODE node)
if(ECRA_NODE)
  add_test(NAME compat_jsre
    COMMAND ${ECRA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/jsre_diff.js
      $<TARGET_FILE:ecra_jsre_driver> --seed 1 --seeds 3 --cases 3000)
  set_tests_properties(compat_jsre PROPERTIES LABELS compat TIMEOUT 400)
endif()
