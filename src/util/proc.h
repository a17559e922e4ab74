/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * util/proc.h - run a child process: the only place that starts one.
 *
 * A program is run from an argv array, never through a shell. argv[0] is
 * looked up on the PATH of the environment the child gets (like execvp),
 * unless it contains a '/'. The library never reads its own environment:
 * the caller passes the base environment (usually `environ`) and any
 * additions or overrides.
 *
 * stdin is /dev/null unless data is given; the data is written fully and
 * then the stream is closed (so `docker login --password-stdin` sees EOF).
 * stdout and stderr are captured into size-capped buffers; output past
 * the cap is counted but dropped (the process is never blocked by it).
 * Output can also be streamed, as raw chunks or whole lines, to callbacks.
 */
#ifndef SRC_UTIL_PROC_H
#define SRC_UTIL_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "ecrassets/buf.h"

/** Streams, as passed to the callbacks. */
#define ECRA_PROC_STDOUT 1
#define ECRA_PROC_STDERR 2

/* One environment change: set `name` to `value`, or unset it if value is
 * NULL. */
typedef struct {
	const char *name;
	const char *value;
} ecra_proc_env;

/*
 * Called with each chunk of output as it arrives. Return 0 to go on;
 * anything else kills the child (its process group when one was made)
 * and makes ecra_proc_run() fail with ECRA_EUSER.
 */
typedef int (*ecra_proc_chunk_cb)(
    int stream, const char *data, size_t len, void *payload);
/* Called with each complete line (without its '\n'; a final line without
 * one is passed at EOF). Lines longer than 64 KiB are passed in pieces.
 * `line` is NUL-terminated. Same return convention. */
typedef int (*ecra_proc_line_cb)(
    int stream, const char *line, size_t len, void *payload);

#define ECRA_PROC_OPTIONS_VERSION 1
/* Default cap of each captured stream. */
#define ECRA_PROC_DEFAULT_CAPTURE (4u * 1024 * 1024)

typedef struct {
	unsigned int version; /* ECRA_PROC_OPTIONS_VERSION */
	/* Working directory of the child; NULL = ours. */
	const char *cwd;
	/* The environment the changes apply to (e.g. `environ`); NULL means
	 * an empty environment. */
	char *const *env_base;
	const ecra_proc_env *env; /* changes, applied in order */
	size_t env_count;
	/* Data for stdin; NULL = /dev/null. May contain NULs. */
	const void *stdin_data;
	size_t stdin_len;
	/* Caps of the captured output; 0 = ECRA_PROC_DEFAULT_CAPTURE. */
	size_t stdout_limit;
	size_t stderr_limit;
	/* Do not capture a stream at all (callbacks still see it). */
	bool discard_stdout;
	bool discard_stderr;
	ecra_proc_chunk_cb on_chunk; /* optional */
	ecra_proc_line_cb on_line;   /* optional */
	void *payload;
	/* Kill the child's process group after this long; 0 = never. With a
	 * timeout the child runs in a new process group. */
	unsigned int timeout_ms;
	/* Cancellation (e.g. the CLI's signal flag, holding the signal
	 * number): once *cancel is non-zero the child gets that signal
	 * (SIGINT or SIGTERM; SIGTERM for other values), to its process
	 * group when it has one, within 100 ms, as a terminal's Ctrl-C
	 * would reach it; SIGKILL follows if it is still running 10 s
	 * later. Its output is still collected and it is reaped as usual
	 * (res->cancelled is set). NULL = never. */
	const volatile int *cancel;
	/* stdout is a pseudo-terminal (200 columns, no output processing:
	 * '\n' stays '\n') instead of a pipe, so that a child that draws
	 * progress only on a terminal (docker push) does; stderr stays a
	 * pipe, stdin /dev/null or the data. on_line then gets stdout's
	 * text between '\n' or '\r' (a redrawn progress line). */
	bool stdout_pty;
} ecra_proc_options;

typedef struct {
	bool exited;        /* it exited normally: see exit_code */
	int exit_code;      /* 0..255 when exited */
	int term_signal;    /* the signal that killed it, else 0 */
	bool timed_out;     /* we killed it after timeout_ms */
	bool cancelled;     /* we passed it the signal of *cancel */
	ecra_buf out;       /* captured stdout (NUL-terminated) */
	ecra_buf err;       /* captured stderr */
	size_t out_dropped; /* bytes past the cap, not kept */
	size_t err_dropped;
	/* Why ECRA_ENOTFOUND was returned: the program is not on PATH (or
	 * its path does not exist), or the working directory is missing. */
	bool program_missing;
	bool cwd_missing;
} ecra_proc_result;

/*
 * Run argv[0] with argv (NULL-terminated) and wait for it.
 *
 * `res` is initialised here; release it with ecra_proc_result_dispose()
 * whatever the return value. A non-zero exit status is not an error: look
 * at res->exited and res->exit_code.
 *
 * @return 0 once the child ran and was reaped;
 *         ECRA_ENOTFOUND if the program is not on PATH ("cannot run
 *         'docker': not found on PATH") or the cwd does not exist;
 *         ECRA_ERROR for a timeout (res->timed_out is set) or when the
 *         program could not be executed; ECRA_EUSER if a callback stopped
 *         it; ECRA_EINVALID for an empty argv; ECRA_ENOMEM, ECRA_EIO
 */
int ecra_proc_run(ecra_proc_result *res, const char *const *argv,
    const ecra_proc_options *opts);

void ecra_proc_result_dispose(ecra_proc_result *res);

/*
 * Resolve `program` the way ecra_proc_run() does, against the PATH value
 * `path` (NULL = the execvp default "/bin:/usr/bin"). A name containing
 * '/' is returned as is. Free the result with ecra_free().
 *
 * @return ECRA_ENOTFOUND if no executable file of that name is found
 */
int ecra_proc_find_program(char **out, const char *program, const char *path);

/*
 * Fault injection for tests: make the next call of the named step fail
 * with an errno (0 = never). Process-wide; single-threaded tests only.
 */
typedef enum {
	ECRA_PROC_FAULT_PIPE = 1, /* creating the pipes */
	ECRA_PROC_FAULT_FORK,     /* fork() */
	ECRA_PROC_FAULT_EXEC,     /* the child's execve() */
	ECRA_PROC_FAULT_POLL,     /* poll() while collecting output */
} ecra_proc_fault;

void ecra_proc_inject_fault(ecra_proc_fault step, int errnum);

#endif /* SRC_UTIL_PROC_H */
