/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/signals.c - one place where the tool handles SIGINT, SIGTERM and
 * SIGPIPE.
 *
 * The first SIGINT or SIGTERM only records itself: the library sees it
 * through the `cancel` pointer of its options structs, stops starting new
 * work, unwinds and removes what it created (temporary directories,
 * private docker configs, open upload sessions). The handler is installed
 * with SA_RESETHAND, so a second signal of the same kind ends the process
 * at once, as users expect of a second Ctrl-C; whatever that leaves
 * behind is named so that the next run finds and removes it.
 *
 * SIGPIPE is ignored: a closed stdout (`ecr-assets ... | head`) becomes
 * EPIPE on write, which the commands handle like any other failure and
 * clean up after. Child processes get the default disposition back
 * (src/util/proc.c resets it before exec).
 *
 * cli_protect_secrets() is here too because a crash is the other way a
 * process ends: `publish` holds registry passwords and tokens, so it
 * turns core dumps off (RLIMIT_CORE 0: also for its docker children,
 * which get the password on stdin) and makes itself non-dumpable.
 */
#include "cli/cli.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/* volatile int, not sig_atomic_t: the library's options take
 * `const volatile int *cancel` (sig_atomic_t is int on every target). */
_Static_assert(
    sizeof(sig_atomic_t) == sizeof(int), "sig_atomic_t is int-sized");
static volatile int received;

static void on_signal(int sig)
{
	received = sig;
}

void cli_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

const volatile int *cli_cancel_flag(void)
{
	return &received;
}

int cli_signal_received(void)
{
	return received;
}

int cli_signal_exit_status(int rc)
{
	if (received == SIGINT || received == SIGTERM)
		return 128 + received;
	return rc;
}

void cli_protect_secrets(void)
{
	struct rlimit rl = { 0, 0 };

	/* Both: with fs.suid_dumpable=2 a non-dumpable process still dumps
	 * (root-owned); with RLIMIT_CORE 0 nothing is written. Failures
	 * are ignored: neither is required to publish. */
	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
