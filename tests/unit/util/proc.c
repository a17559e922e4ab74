/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/util/proc.c - child processes: argv, env, cwd, stdin, output
 * capture and caps, callbacks, exit status and signals, timeouts, errors.
 *
 * The children are /bin/sh scripts (test code may use a shell; the
 * library never does).
 */
#include "helpers.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

#include "core/alloc.h"
#include "util/buf.h"
#include "util/proc.h"

extern char **environ;

static const char *const sh_path_env[] = { "PATH=/usr/bin:/bin", NULL };

static ecra_proc_options base_opts(void)
{
	ecra_proc_options o;

	memset(&o, 0, sizeof(o));
	o.version = ECRA_PROC_OPTIONS_VERSION;
	o.env_base = (char *const *)sh_path_env;
	return o;
}

static int run_sh(
    ecra_proc_result *res, const char *script, const ecra_proc_options *opts)
{
	const char *argv[] = { "sh", "-c", script, NULL };

	return ecra_proc_run(res, argv, opts);
}

static void proc_captures_output_and_status(void **state)
{
	ecra_proc_options o = base_opts();
	ecra_proc_result r;

	(void)state;
	assert_ok(run_sh(&r, "echo out; echo err >&2; exit 3", &o));
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 3);
	assert_int_equal(r.term_signal, 0);
	assert_string_equal(r.out.ptr, "out\n");
	assert_string_equal(r.err.ptr, "err\n");
	ecra_proc_result_dispose(&r);

	/* argv elements arrive byte for byte, spaces and quotes included */
	{
		const char *argv[] = { "sh", "-c", "printf '[%s]' \"$@\"", "x",
			"a b", "it's", "", NULL };

		assert_ok(ecra_proc_run(&r, argv, &o));
		assert_string_equal(r.out.ptr, "[a b][it's][]");
		ecra_proc_result_dispose(&r);
	}
}

static void proc_reports_signals(void **state)
{
	ecra_proc_options o = base_opts();
	ecra_proc_result r;

	(void)state;
	assert_ok(run_sh(&r, "kill -TERM $$", &o));
	assert_false(r.exited);
	assert_int_equal(r.term_signal, SIGTERM);
	ecra_proc_result_dispose(&r);
}

static void proc_writes_stdin_then_closes(void **state)
{
	ecra_proc_options o = base_opts();
	ecra_proc_result r;
	char *big;
	size_t i, len = 3u * 1024 * 1024;

	(void)state;
	o.stdin_data = "secret";
	o.stdin_len = 6;
	assert_ok(run_sh(&r, "cat; echo; wc -c", &o)); /* wc: 0 left */
	assert_string_equal(r.out.ptr, "secret\n0\n");
	ecra_proc_result_dispose(&r);

	/* More than any pipe buffer both ways: no deadlock. */
	big = malloc(len);
	assert_non_null(big);
	for (i = 0; i < len; i++)
		big[i] = (char)('a' + i % 26);
	o.stdin_data = big;
	o.stdin_len = len;
	o.stdout_limit = 8u * 1024 * 1024;
	assert_ok(run_sh(&r, "cat", &o));
	assert_int_equal(r.out.size, len);
	assert_memory_equal(r.out.ptr, big, len);
	ecra_proc_result_dispose(&r);

	/* A child that never reads stdin: no SIGPIPE for us. */
	assert_ok(run_sh(&r, "exit 0", &o));
	assert_true(r.exited);
	assert_int_equal(r.exit_code, 0);
	ecra_proc_result_dispose(&r);
	free(big);

	/* Without data, stdin is /dev/null (EOF at once). */
	o.stdin_data = NULL;
	o.stdin_len = 0;
	assert_ok(run_sh(&r, "wc -c", &o));
	assert_string_equal(r.out.ptr, "0\n");
	ecra_proc_result_dispose(&r);
}

static void proc_applies_env_changes(void **state)
{
	const char *const base[] = { "PATH=/usr/bin:/bin", "A=1", "B=2",
		"C=keep", NULL };
	ecra_proc_env changes[] = { { "A", "over" }, { "B", NULL },
		{ "D", "new=val" } };
	ecra_proc_options o = base_opts();
	ecra_proc_result r;

	(void)state;
	o.env_base = (char *const *)base;
	o.env = changes;
	o.env_count = 3;
	assert_ok(run_sh(&r, "echo \"$A|${B-unset}|$C|$D\"", &o));
	assert_string_equal(r.out.ptr, "over|unset|keep|new=val\n");
	ecra_proc_result_dispose(&r);

	{
		ecra_proc_env bad[] = { { "X=Y", "1" } };

		o.env = bad;
		o.env_count = 1;
		assert_fails_with(ECRA_EINVALID, run_sh(&r, "true", &o));
		ecra_proc_result_dispose(&r);
	}

	/* The real parent environment can be the base. */
	o = base_opts();
	o.env_base = environ;
	assert_ok(run_sh(&r, "true", &o));
	ecra_proc_result_dispose(&r);
}

static void proc_resolves_program_on_given_path(void **state)
{
	const char *dir = sandbox_dir();
	char pathvar[4200], prog[4200];
	const char *argv[] = { "ecra-test-prog", "arg", NULL };
	const char *missing[] = { "ecra-no-such-program", NULL };
	ecra_proc_env env[1];
	ecra_proc_options o = base_opts();
	ecra_proc_result r;
	char *found = NULL;

	(void)state;
	write_text(dir, "bin/ecra-test-prog", "#!/bin/sh\necho \"ran $1\"\n");
	write_text(dir, "bin/not-exec", "#!/bin/sh\n");
	snprintf(prog, sizeof(prog), "%s/bin/ecra-test-prog", dir);
	assert_int_equal(chmod(prog, 0755), 0);
	snprintf(
	    pathvar, sizeof(pathvar), "/nonexistent:%s/bin:/usr/bin:/bin", dir);
	env[0].name = "PATH";
	env[0].value = pathvar;
	o.env = env;
	o.env_count = 1;
	assert_ok(ecra_proc_run(&r, argv, &o));
	assert_string_equal(r.out.ptr, "ran arg\n");
	ecra_proc_result_dispose(&r);

	assert_ok(ecra_proc_find_program(&found, "ecra-test-prog", pathvar));
	assert_string_equal(found, prog);
	ecra_free(found);
	snprintf(pathvar, sizeof(pathvar), "%s/bin", dir);
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_proc_find_program(&found, "not-exec", pathvar));
	assert_null(found);

	/* Found only through the PATH in the env we pass, never ours. */
	env[0].value = "/nonexistent";
	assert_fails_with(ECRA_ENOTFOUND, ecra_proc_run(&r, argv, &o));
	assert_string_equal(ecra_error_last()->message,
	    "cannot run 'ecra-test-prog': not found on PATH");
	ecra_proc_result_dispose(&r);

	o.env_count = 0;
	assert_fails_with(ECRA_ENOTFOUND, ecra_proc_run(&r, missing, &o));
	assert_string_equal(ecra_error_last()->message,
	    "cannot run 'ecra-no-such-program': not found on PATH");
	assert_true(r.program_missing);
	assert_false(r.cwd_missing);
	ecra_proc_result_dispose(&r);

	/* A name with a slash is a path. */
	argv[0] = prog;
	assert_ok(ecra_proc_run(&r, argv, &o));
	assert_string_equal(r.out.ptr, "ran arg\n");
	ecra_proc_result_dispose(&r);
	snprintf(prog, sizeof(prog), "%s/bin/gone", dir);
	assert_fails_with(ECRA_ENOTFOUND, ecra_proc_run(&r, argv, &o));
	assert_error_contains("gone");
	ecra_proc_result_dispose(&r);

	sandbox_cleanup(dir);
}

static void proc_runs_in_cwd(void **state)
{
	const char *dir = sandbox_dir();
	char missing[4200], want[4200];
	ecra_proc_options o = base_opts();
	ecra_proc_result r;

	(void)state;
	o.cwd = dir;
	assert_ok(run_sh(&r, "pwd -P", &o));
	snprintf(want, sizeof(want), "%s\n", dir); /* /tmp: no symlinks */
	assert_string_equal(r.out.ptr, want);
	ecra_proc_result_dispose(&r);

	snprintf(missing, sizeof(missing), "%s/nope", dir);
	o.cwd = missing;
	assert_fails_with(ECRA_ENOTFOUND, run_sh(&r, "true", &o));
	assert_error_contains("working directory");
	assert_error_contains("nope");
	assert_true(r.cwd_missing);
	assert_false(r.program_missing);
	ecra_proc_result_dispose(&r);
	sandbox_cleanup(dir);
}

static void proc_caps_captured_output(void **state)
{
	ecra_proc_options o = base_opts();
	ecra_proc_result r;

	(void)state;
	o.stdout_limit = 1000;
	o.stderr_limit = 10;
	assert_ok(run_sh(&r,
	    "head -c 100000 /dev/zero | tr '\\0' x; echo 0123456789abc >&2",
	    &o));
	assert_int_equal(r.out.size, 1000);
	assert_int_equal(r.out_dropped, 99000);
	assert_int_equal(r.err.size, 10);
	assert_string_equal(r.err.ptr, "0123456789");
	assert_int_equal(r.err_dropped, 4);
	assert_int_equal(r.exit_code, 0);
	ecra_proc_result_dispose(&r);

	o.discard_stdout = true;
	assert_ok(run_sh(&r, "echo hidden; echo shown >&2", &o));
	assert_int_equal(r.out.size, 0);
	assert_int_equal(r.out_dropped, 0);
	assert_string_equal(r.err.ptr, "shown\n");
	ecra_proc_result_dispose(&r);
}

typedef struct {
	char lines[16][64];
	int streams[16];
	int count;
	int stop_at;
	size_t chunk_bytes;
} seen;

static int on_line(int stream, const char *line, size_t len, void *payload)
{
	seen *s = payload;

	assert_int_equal(strlen(line), len);
	if (s->count < 16) {
		snprintf(s->lines[s->count], 64, "%s", line);
		s->streams[s->count] = stream;
	}
	s->count++;
	return s->stop_at > 0 && s->count >= s->stop_at ? 1 : 0;
}

static int on_chunk(int stream, const char *data, size_t len, void *payload)
{
	seen *s = payload;

	(void)stream;
	(void)data;
	s->chunk_bytes += len;
	return 0;
}

static void proc_streams_lines(void **state)
{
	ecra_proc_options o = base_opts();
	ecra_proc_result r;
	seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	o.on_line = on_line;
	o.on_chunk = on_chunk;
	o.payload = &s;
	assert_ok(run_sh(&r,
	    "printf 'one\\ntwo\\n'; sleep 0.05; "
	    "printf 'e1\\n' >&2; sleep 0.05; printf 'tail'",
	    &o));
	assert_int_equal(s.count, 4);
	assert_string_equal(s.lines[0], "one");
	assert_string_equal(s.lines[1], "two");
	assert_string_equal(s.lines[2], "e1");
	assert_int_equal(s.streams[2], ECRA_PROC_STDERR);
	assert_string_equal(s.lines[3], "tail");
	assert_int_equal(s.streams[3], ECRA_PROC_STDOUT);
	assert_int_equal(s.chunk_bytes, 15);
	/* streaming does not stop capture */
	assert_string_equal(r.out.ptr, "one\ntwo\ntail");
	ecra_proc_result_dispose(&r);

	/* a callback can stop the child */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	o.on_chunk = NULL;
	{
		time_t t0 = time(NULL);

		assert_fails_with(
		    ECRA_EUSER, run_sh(&r, "echo first; exec sleep 30", &o));
		assert_true(time(NULL) - t0 < 10);
	}
	assert_int_equal(s.count, 1);
	assert_int_equal(r.term_signal, SIGKILL);
	ecra_proc_result_dispose(&r);
}

static void proc_times_out_and_kills_the_group(void **state)
{
	const char *dir = sandbox_dir();
	char script[4400], marker[4200];
	ecra_proc_options o = base_opts();
	ecra_proc_result r;
	time_t t0;

	(void)state;
	o.timeout_ms = 300;
	snprintf(marker, sizeof(marker), "%s/late", dir);
	/* A grandchild that would write a marker after 1 s must die too. */
	snprintf(script, sizeof(script),
	    "(sleep 1; touch '%s') & echo started; sleep 30", marker);
	t0 = time(NULL);
	assert_fails_with(ECRA_ERROR, run_sh(&r, script, &o));
	assert_true(time(NULL) - t0 < 10);
	assert_true(r.timed_out);
	assert_int_equal(r.term_signal, SIGKILL);
	assert_string_equal(r.out.ptr, "started\n");
	assert_error_contains("timed out after 300 ms");
	ecra_proc_result_dispose(&r);
	sleep(2);
	assert_int_not_equal(access(marker, F_OK), 0);

	/* a quick child under a timeout is unaffected */
	o.timeout_ms = 5000;
	assert_ok(run_sh(&r, "echo quick", &o));
	assert_false(r.timed_out);
	assert_string_equal(r.out.ptr, "quick\n");
	ecra_proc_result_dispose(&r);
	sandbox_cleanup(dir);
}

static void proc_reports_injected_faults(void **state)
{
	ecra_proc_options o = base_opts();
	ecra_proc_result r;

	(void)state;
	ecra_proc_inject_fault(ECRA_PROC_FAULT_PIPE, EMFILE);
	assert_fails_with(ECRA_EIO, run_sh(&r, "true", &o));
	assert_error_contains("cannot create pipes");
	ecra_proc_result_dispose(&r);

	ecra_proc_inject_fault(ECRA_PROC_FAULT_FORK, EAGAIN);
	assert_fails_with(ECRA_EIO, run_sh(&r, "true", &o));
	assert_error_contains("cannot start 'sh'");
	ecra_proc_result_dispose(&r);

	ecra_proc_inject_fault(ECRA_PROC_FAULT_EXEC, EACCES);
	assert_fails_with(ECRA_ERROR, run_sh(&r, "true", &o));
	assert_error_contains("cannot run 'sh'");
	assert_error_contains("ermission denied");
	ecra_proc_result_dispose(&r);

	ecra_proc_inject_fault(ECRA_PROC_FAULT_EXEC, ENOENT);
	assert_fails_with(ECRA_ENOTFOUND, run_sh(&r, "true", &o));
	ecra_proc_result_dispose(&r);

	ecra_proc_inject_fault(ECRA_PROC_FAULT_POLL, EBADF);
	assert_fails_with(ECRA_EIO, run_sh(&r, "sleep 30", &o));
	assert_error_contains("cannot collect the output of 'sh'");
	ecra_proc_result_dispose(&r);

	/* faults are one-shot */
	assert_ok(run_sh(&r, "true", &o));
	ecra_proc_result_dispose(&r);
}

static void proc_rejects_bad_arguments(void **state)
{
	const char *empty[] = { NULL };
	const char *blank[] = { "", NULL };
	ecra_proc_options o = base_opts();
	ecra_proc_result r;

	(void)state;
	assert_fails_with(ECRA_EINVALID, ecra_proc_run(&r, empty, &o));
	ecra_proc_result_dispose(&r);
	assert_fails_with(ECRA_EINVALID, ecra_proc_run(&r, blank, &o));
	ecra_proc_result_dispose(&r);
	assert_fails_with(ECRA_EINVALID, ecra_proc_run(&r, NULL, &o));
	ecra_proc_result_dispose(&r);
	o.version = 99;
	assert_fails_with(ECRA_EINVALID, run_sh(&r, "true", &o));
	ecra_proc_result_dispose(&r);
	/* NULL options: empty environment, so sh is not on PATH... but the
	 * default PATH (/bin:/usr/bin) applies. */
	assert_ok(run_sh(&r, "echo ${HOME-unset}-", NULL));
	assert_string_equal(r.out.ptr, "unset-\n");
	ecra_proc_result_dispose(&r);
}

static void proc_survives_oom(void **state)
{
	ecra_proc_options o = base_opts();
	ecra_proc_result r;
	seen s;
	long n;
	int rc;

	(void)state;
	o.on_line = on_line;
	o.payload = &s;
	for (n = 0; n < 30; n++) {
		memset(&s, 0, sizeof(s));
		ecra_alloc_fail_after(n);
		rc = run_sh(&r, "echo a; echo b >&2", &o);
		ecra_alloc_fail_after(-1);
		assert_true(rc == 0 || rc == ECRA_ENOMEM);
		ecra_proc_result_dispose(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proc_captures_output_and_status),
		cmocka_unit_test(proc_reports_signals),
		cmocka_unit_test(proc_writes_stdin_then_closes),
		cmocka_unit_test(proc_applies_env_changes),
		cmocka_unit_test(proc_resolves_program_on_given_path),
		cmocka_unit_test(proc_runs_in_cwd),
		cmocka_unit_test(proc_caps_captured_output),
		cmocka_unit_test(proc_streams_lines),
		cmocka_unit_test(proc_times_out_and_kills_the_group),
		cmocka_unit_test(proc_reports_injected_faults),
		cmocka_unit_test(proc_rejects_bad_arguments),
		cmocka_unit_test(proc_survives_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
