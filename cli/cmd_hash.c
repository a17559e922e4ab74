/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_hash.c - `ecr-assets hash`: print a path's asset hash.
 */
#include "cli/cli.h"
#include "cli/cmd.h"

void cmd_hash_help(void)
{
	printf("usage: ecr-assets hash PATH\n");
}

int cmd_hash(int argc, char **argv)
{
	char hex[ECRA_FINGERPRINT_HEX_SIZE];

	if (argc != 2)
		return cli_fail_usage("hash", "expected exactly one PATH");
	if (ecra_fingerprint(hex, argv[1], NULL) < 0)
		return cli_fail_lib();
	printf("%s\n", hex);
	return CLI_EXIT_OK;
}
