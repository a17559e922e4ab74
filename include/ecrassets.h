/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets.h - umbrella header: includes every public header.
 */
#ifndef ECRASSETS_H
#define ECRASSETS_H

#include "ecrassets/common.h"
#include "ecrassets/errors.h"
#include "ecrassets/version.h"
#include "ecrassets/buf.h"
#include "ecrassets/ignore.h"
#include "ecrassets/fingerprint.h"
#include "ecrassets/app.h"
#include "ecrassets/aws.h"
#include "ecrassets/publish.h"
#include "ecrassets/dockercreds.h"
#include "ecrassets/registry.h"

#endif /* ECRASSETS_H */
