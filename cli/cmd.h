/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cmd.h - the subcommand table.
 *
 * Each subcommand lives in cli/cmd_<verb>.c as cmd_<verb>(argc, argv),
 * where argv[0] is the verb, and prints its own help for --help.
 */
#ifndef CLI_CMD_H
#define CLI_CMD_H

typedef struct {
	const char *name;                 /* the verb */
	int (*fn)(int argc, char **argv); /* runs it; returns an exit code */
	void (*help)(void);               /* prints its help to stdout */
	const char *summary;              /* one line for --help */
} cli_cmd;

int cmd_hash(int argc, char **argv);
void cmd_hash_help(void);
int cmd_synth(int argc, char **argv);
void cmd_synth_help(void);
int cmd_ls(int argc, char **argv);
void cmd_ls_help(void);
int cmd_publish(int argc, char **argv);
void cmd_publish_help(void);
int cmd_copy(int argc, char **argv);
void cmd_copy_help(void);

#endif /* CLI_CMD_H */
