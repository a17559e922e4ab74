# SPDX-License-Identifier: Apache-2.0
# base: the shared bottom floor's new helpers (with core, util and json;
# docs/internals/architecture.md). Not exported; the CLI links it.
list(APPEND ECRA_SOURCES
  src/base/base64.c
  src/base/path.c)
