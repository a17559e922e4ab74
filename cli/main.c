/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/main.c - ecr-assets: global options and the subcommand table.
 */
#include "cli/cli.h"
#include "cli/cmd.h"

#include <string.h>

static const cli_cmd commands[] = {
	{ "hash", cmd_hash, cmd_hash_help,
	    "print the asset hash of a directory or file" },
	{ "synth", cmd_synth, cmd_synth_help,
	    "synthesize a cloud assembly from an app file or command" },
	{ "ls", cmd_ls, cmd_ls_help,
	    "list the stacks and image assets of a cloud assembly" },
	{ "publish", cmd_publish, cmd_publish_help,
	    "build and push the docker image assets of a cloud assembly" },
	{ "copy", cmd_copy, cmd_copy_help,
	    "copy an image or push an image tarball without a daemon" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ecr-assets [-V|--version] [-h|--help] <command> "
	           "[<args>]\n\n"
	           "Turn container images into deployable infrastructure "
	           "assets, hash-compatible\nwith AWS CDK's aws-ecr-assets.\n\n"
	           "Commands:\n");
	for (i = 0; i < COMMAND_COUNT; i++)
		fprintf(
		    f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-10s %s\n", "help", "show help for a command");
	fprintf(f,
	    "\nRun 'ecr-assets help <command>' for a command's options.\n"
	    "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

/* "unknown command", with the closest command and the list of them. */
static int fail_unknown_command(const char *name)
{
	const char *names[COMMAND_COUNT + 1];
	char list[256] = "";
	const char *best;
	size_t i;

	for (i = 0; i < COMMAND_COUNT; i++)
		names[i] = commands[i].name;
	names[COMMAND_COUNT] = "help";
	cli_list_append(list, sizeof(list), names, COMMAND_COUNT + 1, 20);
	if ((best = cli_suggest(name, names, COMMAND_COUNT + 1)) != NULL)
		return cli_fail_usage(NULL,
		    "unknown command '%s'; did you mean '%s'? (commands: %s)",
		    name, best, list);
	return cli_fail_usage(
	    NULL, "unknown command '%s' (commands: %s)", name, list);
}

static const cli_cmd *find(const char *name)
{
	size_t i;

	for (i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const cli_cmd *cmd;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("ecr-assets %s\n", ecra_version());
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return CLI_EXIT_OK;
		}
		if ((cmd = find(argv[2])) == NULL)
			return fail_unknown_command(argv[2]);
		cmd->help();
		return CLI_EXIT_OK;
	}
	if (argv[1][0] == '-')
		return cli_fail_usage(NULL, "unknown option '%s'", argv[1]);
	if ((cmd = find(argv[1])) == NULL)
		return fail_unknown_command(argv[1]);
	return cmd->fn(argc - 1, argv + 1);
}
