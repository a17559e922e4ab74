/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/version.h - the library version.
 */
#ifndef ECRA_VERSION_H
#define ECRA_VERSION_H

#include "ecrassets/common.h"

/** Major version; bumped on incompatible API changes. */
#define ECRA_VERSION_MAJOR 0
/** Minor version; bumped when API is added. */
#define ECRA_VERSION_MINOR 1
/** Patch version. */
#define ECRA_VERSION_PATCH 0
/** The version as a string. */
#define ECRA_VERSION_STRING "0.1.0"

ECRA_BEGIN_DECL

/**
 * The version of the library actually linked (may differ from the
 * header's ECRA_VERSION_STRING with a shared library).
 *
 * @return a static string such as "0.1.0"
 */
ECRA_API const char *ecra_version(void);

ECRA_END_DECL

#endif /* ECRA_VERSION_H */
