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
