# SPDX-License-Identifier: Apache-2.0
# CPack pre-build script: in a package for /usr, the zsh completion goes to
# share/zsh/vendor-completions (where Debian's zsh looks), not
# site-functions (the /usr/local convention).
file(GLOB_RECURSE ecra_zsh "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/zsh/site-functions/_ecr-assets")
foreach(f IN LISTS ecra_zsh)
  get_filename_component(d "${f}" DIRECTORY)
  get_filename_component(share "${d}" DIRECTORY)
  file(MAKE_DIRECTORY "${share}/vendor-completions")
  file(RENAME "${f}" "${share}/vendor-completions/_ecr-assets")
  file(REMOVE "${d}")
endforeach()
