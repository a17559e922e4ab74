/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd_ls.c - `ecr-assets ls`: list the stacks of a cloud assembly and
 * their container-image assets.
 */
#include "cli/assembly.h"
#include "cli/cli.h"
#include "cli/cmd.h"

#include <string.h>

void cmd_ls_help(void)
{
	printf("usage: ecr-assets ls [DIR] [--json]\n\n"
	       "List the stacks of a cloud assembly (default cdk.out), ours or "
	       "one written by\naws-cdk-lib, with their container-image "
	       "assets:\n\n"
	       "  <stack>  <environment>\n"
	       "    <manifest key>  <image tag>  <display name>\n\n"
	       "  --json   one JSON document: {directory, version, stacks: "
	       "[{id, displayName,\n"
	       "           environment, templateFile, dockerImages: [{key, "
	       "hash, displayName,\n"
	       "           directory | executable, repositoryName, imageTag, "
	       "source,\n"
	       "           destinations}]}]}\n");
}

int cmd_ls(int argc, char **argv)
{
	const char *dir = NULL;
	bool json = false;
	cli_assembly a;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0 ||
		           strcmp(argv[i], "-h") == 0) {
			cmd_ls_help();
			return CLI_EXIT_OK;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return cli_fail_usage(
			    "ls", "unknown option '%s'", argv[i]);
		} else if (dir == NULL) {
			dir = argv[i];
		} else {
			return cli_fail_usage(
			    "ls", "expected at most one assembly directory");
		}
	}
	if (cli_assembly_load(&a, dir != NULL ? dir : "cdk.out") < 0)
		return CLI_EXIT_FAILED;
	rc = cli_assembly_print_ls(stdout, &a, json);
	cli_assembly_dispose(&a);
	return rc < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
