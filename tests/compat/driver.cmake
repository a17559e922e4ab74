# The ignore driver answers matcher queries for the differential tests.
add_executable(ecra_ignore_driver ${CMAKE_CURRENT_SOURCE_DIR}/compat/ignore_driver.c)
target_link_libraries(ecra_ignore_driver PRIVATE ecrassets_static PkgConfig::JANSSON)
