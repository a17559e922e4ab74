# SPDX-License-Identifier: Apache-2.0
#
# compat_fingerprint: `ecr-assets hash` against aws-cdk-lib 2.276.0's
# FileSystem.fingerprint (tests/compat/fingerprint_diff.js, 500 random
# cases of a fixed seed, plus every case of fingerprint_quirks.js). Needs
# node and tests/compat/node_modules (scripts/install-deps.sh); without
# them the test fails, it is never skipped.
# ECRA_FP_SEED / ECRA_FP_CASES (cache variables) change the random run.
find_program(ECRA_NODE NAMES node nodejs)
set(ECRA_FP_SEED 20261126 CACHE STRING "seed of compat_fingerprint")
set(ECRA_FP_CASES 500 CACHE STRING "random cases of compat_fingerprint")
if(ECRA_NODE)
  add_test(NAME compat_fingerprint
    COMMAND ${ECRA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/fingerprint_diff.js
      --cli $<TARGET_FILE:ecr-assets> --seed ${ECRA_FP_SEED}
      --cases ${ECRA_FP_CASES} --max-failures 20 --with-quirks)
else()
  add_test(NAME compat_fingerprint
    COMMAND sh -c "echo 'node is not installed: run scripts/install-deps.sh' >&2; exit 1")
endif()
set_tests_properties(compat_fingerprint PROPERTIES LABELS "compat" TIMEOUT 300)
