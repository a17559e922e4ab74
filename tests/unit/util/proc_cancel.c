/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/util/proc_cancel.c - the cancel flag of ecra_proc_run():
 * once it holds a signal number the child gets that signal (as a
 * terminal's Ctrl-C would reach it), in its own process group or in
 * ours, its output is still collected, and the run returns promptly.
 */
#include "helpers.h"

#include <signal.h>
#include <time.h>

#include "util/proc.h"

static const char *const sh_path_env[] = { "PATH=/usr/bin:/bin", NULL };

typedef struct {
	volatile int flag;
	int value;
} cancel_state;

/* The child says "ready" once its trap is set: then "press Ctrl-C". */
static int on_line(int stream, const char *line, size_t len, void *payload)
{
	cancel_state *c = payload;

	(void)stream;
	(void)len;
	if (strcmp(line, "ready") == 0)
		c->flag = c->value;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_cancelled(int sig, unsigned int timeout_ms, const char *want)
{
	const char *script =
	    "trap 'echo got-int; exit 3' INT; trap 'echo got-term; exit 4' "
	    "TERM; echo ready; i=0; while [ $i -lt 400 ]; do sleep 0.05; "
	    "i=$((i+1)); done; echo not-cancelled";
	const char *argv[] = { "sh", "-c", script, NULL };
	cancel_state c = { 0, sig };
	ecra_proc_options o;
	ecra_proc_result r;
	double t0 = now_s();

	memset(&o, 0, sizeof(o));
	o.version = ECRA_PROC_OPTIONS_VERSION;
	o.env_base = (char *const *)sh_path_env;
	o.on_line = on_line;
	o.payload = &c;
	o.cancel = &c.flag;
	o.timeout_ms = timeout_ms;
	assert_ok(ecra_proc_run(&r, argv, &o));
	assert_true(r.cancelled);
	assert_true(r.exited);
	assert_int_equal(r.exit_code, sig == SIGINT ? 3 : 4);
	assert_non_null(strstr(r.out.ptr, want));
	assert_null(strstr(r.out.ptr, "not-cancelled"));
	/* The script would run 20 s; the signal ends it at once. */
	assert_true(now_s() - t0 < 5.0);
	ecra_proc_result_dispose(&r);
}

static void cancel_forwards_sigint(void **state)
{
	(void)state;
	run_cancelled(SIGINT, 0, "got-int");
}

static void cancel_forwards_sigterm_to_own_group(void **state)
{
	(void)state;
	/* With a timeout the child has its own process group. */
	run_cancelled(SIGTERM, 60000, "got-term");
}

static void no_cancel_no_signal(void **state)
{
	const char *argv[] = { "sh", "-c", "echo done", NULL };
	volatile int flag = 0;
	ecra_proc_options o;
	ecra_proc_result r;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.version = ECRA_PROC_OPTIONS_VERSION;
	o.env_base = (char *const *)sh_path_env;
	o.cancel = &flag;
	assert_ok(ecra_proc_run(&r, argv, &o));
	assert_false(r.cancelled);
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 0);
	assert_string_equal(r.out.ptr, "done\n");
	ecra_proc_result_dispose(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cancel_forwards_sigint),
		cmocka_unit_test(cancel_forwards_sigterm_to_own_group),
		cmocka_unit_test(no_cancel_no_signal),
	};

	/* The signals go to the child (or its group) only, never to us:
	 * the default dispositions stay (an ignored SIGINT would be
	 * inherited, and sh cannot trap an ignored signal). */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
