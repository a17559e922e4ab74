/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/cli.h - exit codes and shared helpers of the ecr-assets tool.
 *
 * The CLI is a plain client of the public API: it reads the environment,
 * builds options structs, calls the library and prints. Errors print as
 * "ecra: <message>" on stderr.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "ecrassets.h"

/* Documented in docs/cli.md. */
#define CLI_EXIT_OK     0 /* success */
#define CLI_EXIT_FAILED 1 /* the operation failed */
#define CLI_EXIT_USAGE  2 /* bad command line */

/* Print "ecra: <last library error>" and return CLI_EXIT_FAILED. */
int cli_fail_lib(void);
/* Print "ecra: <message>" and return CLI_EXIT_FAILED. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "ecra: <message>", a hint to use --help, return CLI_EXIT_USAGE. */
int cli_fail_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Write `s` (or `len` bytes of it) for a human reader: control
 * characters, DEL, C1 controls and invalid UTF-8 as C escapes (\n, \x1b),
 * tabs and UTF-8 text as they are. Every print of user-controlled text
 * goes through it; cli_fail* escape their whole message. */
void cli_escape(FILE *f, const char *s);
void cli_escape_n(FILE *f, const char *s, size_t len);
/* The candidate closest to `word` by edit distance, if close enough to
 * be a typo (NULL otherwise); NULL candidates are skipped. */
const char *cli_suggest(
    const char *word, const char *const *candidates, size_t count);
/* Is `word` one of the candidates? */
bool cli_suggest_exact(
    const char *word, const char *const *candidates, size_t count);
/* Append the distinct non-NULL items, comma-separated, to the string in
 * buf (at most max_items, then ", ..."). */
void cli_list_append(char *buf, size_t size, const char *const *items,
    size_t count, size_t max_items);
/* The AWS settings from the environment (AWS_PROFILE as env_profile,
 * AWS_REGION, AWS_ACCESS_KEY_ID, ... AWS_MAX_ATTEMPTS, HOME) and the
 * passwd entry's user name; `profile` (--profile) is left NULL. One
 * place, for ecr-assets publish and docker-credential-cdk-assets. */
void cli_aws_options_from_env(ecra_aws_options *o);
/* Write `s` as a JSON string literal (with quotes) to `f`. */
void cli_json_string(FILE *f, const char *s);
/* The CDK docker credentials file as cdk-assets finds it:
 * $CDK_DOCKER_CREDS_FILE if set, else <passwd home>/.cdk/cdk-docker-creds.json
 * (written into buf). */
const char *cli_cdk_docker_creds_file(char *buf, size_t size);

/* Signals (cli/signals.c). cli_signals_install() makes the first SIGINT or
 * SIGTERM set a flag that the library polls through the options' `cancel`
 * pointer (cli_cancel_flag()); a second one ends the process. SIGPIPE is
 * ignored, so a closed stdout is EPIPE. cli_signal_received() is 0 or the
 * signal; cli_signal_exit_status(rc) is 128+signal after one, else rc. */
void cli_signals_install(void);
const volatile int *cli_cancel_flag(void);
int cli_signal_received(void);
int cli_signal_exit_status(int rc);
/* Before the process holds secrets (registry passwords, tokens): no core
 * dump (RLIMIT_CORE 0, inherited by children) and not dumpable
 * (PR_SET_DUMPABLE 0: no ptrace by other processes of the user). */
void cli_protect_secrets(void);

#endif /* CLI_CLI_H */
