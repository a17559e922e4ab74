# SPDX-License-Identifier: Apache-2.0
#
# cmake/completions.cmake - bash and zsh completions (completions/), for
# ecr-assets and ecr-assets-cdk-assets. bash-completion loads a file per
# command name, so the bash file is installed under both names.
set(ECRA_BASH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  CACHE STRING "Where the bash completion goes (relative to the prefix)")
# zsh searches <prefix>/share/zsh/site-functions for /usr/local and most
# prefixes; Debian's zsh reads packages' completions from vendor-completions.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(ECRA_ZSH_DEFAULT ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
  set(ECRA_ZSH_DEFAULT ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
set(ECRA_ZSH_COMPLETION_DIR ${ECRA_ZSH_DEFAULT}
  CACHE STRING "Where the zsh completion goes (relative to the prefix)")
install(FILES ${CMAKE_SOURCE_DIR}/completions/ecr-assets.bash
  DESTINATION ${ECRA_BASH_COMPLETION_DIR} RENAME ecr-assets COMPONENT runtime)
install(FILES ${CMAKE_SOURCE_DIR}/completions/ecr-assets.bash
  DESTINATION ${ECRA_BASH_COMPLETION_DIR} RENAME ecr-assets-cdk-assets
  COMPONENT runtime)
install(FILES ${CMAKE_SOURCE_DIR}/completions/_ecr-assets
  DESTINATION ${ECRA_ZSH_COMPLETION_DIR} COMPONENT runtime)
