# SPDX-License-Identifier: Apache-2.0
#
# cmake/man.cmake - man pages ecr-assets(1) and ecr-assets-<command>(1),
# generated from docs/cli.md (the single source; scripts/gen-man.py) into
# <build>/man at build time, installed to share/man/man1.
option(ECRA_MAN "Generate and install the man pages (needs python3)" ON)
if(NOT ECRA_MAN)
  return()
endif()
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: no man pages (-DECRA_MAN=OFF to silence)")
  return()
endif()
set(ECRA_MAN_SOURCES ${CMAKE_SOURCE_DIR}/docs/cli.md)
if(EXISTS ${CMAKE_SOURCE_DIR}/docs/cdk-assets.md)
  list(APPEND ECRA_MAN_SOURCES ${CMAKE_SOURCE_DIR}/docs/cdk-assets.md)
endif()
set(ECRA_GEN_MAN ${CMAKE_SOURCE_DIR}/scripts/gen-man.py)
# The page list follows the docs' `## ` headings: re-run CMake when they change.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${ECRA_MAN_SOURCES} ${ECRA_GEN_MAN})
execute_process(COMMAND ${Python3_EXECUTABLE} ${ECRA_GEN_MAN} --list ${ECRA_MAN_SOURCES}
  OUTPUT_VARIABLE ECRA_MAN_PAGES OUTPUT_STRIP_TRAILING_WHITESPACE
  COMMAND_ERROR_IS_FATAL ANY)
string(REPLACE "\n" ";" ECRA_MAN_PAGES "${ECRA_MAN_PAGES}")
set(ECRA_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(ECRA_MAN_FILES)
foreach(p IN LISTS ECRA_MAN_PAGES)
  list(APPEND ECRA_MAN_FILES ${ECRA_MAN_DIR}/${p}.1)
endforeach()
add_custom_command(OUTPUT ${ECRA_MAN_FILES}
  COMMAND ${Python3_EXECUTABLE} ${ECRA_GEN_MAN} --out ${ECRA_MAN_DIR}
    --version ${PROJECT_VERSION} ${ECRA_MAN_SOURCES}
  DEPENDS ${ECRA_MAN_SOURCES} ${ECRA_GEN_MAN}
  COMMENT "Generating man pages from docs/cli.md" VERBATIM)
add_custom_target(ecra_man ALL DEPENDS ${ECRA_MAN_FILES})
install(FILES ${ECRA_MAN_FILES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
  COMPONENT runtime)
