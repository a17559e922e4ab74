/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * publish/ecr.c - the ECR back end (DescribeRepositories, DescribeImages,
 * GetAuthorizationToken over src/aws).
 *
 * TEMPORARY: src/aws has no ECR client yet on this branch; until it does,
 * ECR mode reports that it is unavailable (registry mode works).
 */
#include "publish/run.h"

#include "core/error.h"

static int ecr_unavailable(ecra_pub_run *run)
{
	(void)run;
	return ecra_error_set(ECRA_EUNSUPPORTED,
	    "ECR mode is not available in this build yet (use --registry)");
}

const ecra_pub_backend ecra_pub_backend_ecr = {
	.run_init = ecr_unavailable,
};
