/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * util/proc.c - child processes: fork + execve of an argv array.
 *
 * Everything the child needs (resolved path, envp, fds) is prepared before
 * fork(), so the child only calls async-signal-safe functions (dup2,
 * chdir, setpgid, execve, write, _exit). A close-on-exec pipe carries the
 * child's errno back if chdir() or execve() fails, which tells "program
 * missing" apart from "directory missing". stdin is a socketpair so the
 * parent can write with MSG_NOSIGNAL and never takes SIGPIPE.
 *
 * One run is one proc_state going through prepare() (environment,
 * program, pipes), spawn() (fork + exec), pump() (stdin out, output in)
 * and finish() (exit status, deadline). A cancel flag (the CLI's signal
 * flag) is looked at every 100 ms and passed on to the child as the
 * signal it holds, so that `kill -INT <tool>` reaches docker the way a
 * terminal's Ctrl-C reaches the whole foreground process group.
 */
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"
#include "util/vec.h"

#define LINE_MAX_PIECE (64u * 1024)
#define READ_CHUNK     16384

static int fault_errno[5];

void ecra_proc_inject_fault(ecra_proc_fault step, int errnum)
{
	if ((int)step >= 1 && (int)step <= 4)
		fault_errno[step] = errnum;
}

static int take_fault(ecra_proc_fault step)
{
	int e = fault_errno[step];

	fault_errno[step] = 0;
	return e;
}

void ecra_proc_result_dispose(ecra_proc_result *res)
{
	if (res == NULL)
		return;
	ecra_buf_dispose(&res->out);
	ecra_buf_dispose(&res->err);
	memset(res, 0, sizeof(*res));
}

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

int ecra_proc_find_program(char **out, const char *program, const char *path)
{
	ecra_buf cand = ECRA_BUF_INIT(0);
	const char *p, *end;
	int error = 0;

	*out = NULL;
	if (program == NULL || *program == '\0')
		return ecra_error_set(ECRA_EINVALID, "empty program name");
	if (strchr(program, '/') != NULL) {
		if ((*out = ecra_strdup(program)) == NULL)
			return ECRA_ENOMEM;
		return 0;
	}
	if (path == NULL)
		path = "/bin:/usr/bin";
	for (p = path;; p = end + 1) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		ecra_buf_clear(&cand);
		if (end == p)
			error = ecra_buf_puts(&cand, program);
		else
			error = ecra_buf_printf(
			    &cand, "%.*s/%s", (int)(end - p), p, program);
		if (error < 0)
			goto done;
		if (is_executable_file(cand.ptr)) {
			*out = ecra_buf_detach(&cand);
			error = *out ? 0 : ECRA_ENOMEM;
			goto done;
		}
		if (*end == '\0')
			break;
	}
	error = ecra_error_set(
	    ECRA_ENOTFOUND, "cannot run '%s': not found on PATH", program);
done:
	ecra_buf_dispose(&cand);
	return error;
}

static int build_env(
    ecra_strvec *envp, const ecra_proc_options *opts, const char **path_out)
{
	size_t i, j, nlen;
	int error;

	*path_out = NULL;
	if (opts->env_base != NULL)
		for (i = 0; opts->env_base[i] != NULL; i++)
			if ((error = ecra_strvec_push(
			         envp, opts->env_base[i])) < 0)
				return error;
	for (i = 0; i < opts->env_count; i++) {
		const ecra_proc_env *e = &opts->env[i];

		if (e->name == NULL || *e->name == '\0' ||
		    strchr(e->name, '=') != NULL)
			return ecra_error_set(ECRA_EINVALID,
			    "invalid environment variable name '%s'",
			    e->name ? e->name : "");
		nlen = strlen(e->name);
		for (j = 0; j < envp->count;) {
			if (strncmp(envp->items[j], e->name, nlen) == 0 &&
			    envp->items[j][nlen] == '=') {
				ecra_free(envp->items[j]);
				memmove(&envp->items[j], &envp->items[j + 1],
				    (envp->count - j) * sizeof(char *));
				envp->count--;
			} else {
				j++;
			}
		}
		if (e->value != NULL && (error = ecra_strvec_pushf(envp,
		                             "%s=%s", e->name, e->value)) < 0)
			return error;
	}
	for (i = 0; i < envp->count; i++)
		if (strncmp(envp->items[i], "PATH=", 5) == 0)
			*path_out = envp->items[i] + 5;
	return 0;
}

static int set_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

static int set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Child side: report errno (with a stage byte) and exit. */
static void child_fail(int fd, char stage, int err)
{
	unsigned char msg[1 + sizeof(int)];
	ssize_t rc;

	msg[0] = (unsigned char)stage;
	memcpy(msg + 1, &err, sizeof(int));
	rc = write(fd, msg, sizeof(msg));
	(void)rc;
	_exit(127);
}

typedef struct {
	int fd;
	int stream;
	ecra_buf *capture;
	size_t *dropped;
	bool discard;
	bool cr_ends_line; /* a pseudo-terminal: '\r' ends a line too */
	ecra_buf line;
} sink;

static int deliver_lines(sink *s, const ecra_proc_options *opts, bool at_eof)
{
	char *nl;
	size_t start = 0, len;
	int rc;

	if (opts->on_line == NULL)
		return 0;
	while (start < s->line.size) {
		nl = memchr(s->line.ptr + start, '\n', s->line.size - start);
		if (s->cr_ends_line) {
			char *cr = memchr(
			    s->line.ptr + start, '\r', s->line.size - start);

			if (cr != NULL && (nl == NULL || cr < nl))
				nl = cr;
		}
		if (nl != NULL) {
			len = (size_t)(nl - (s->line.ptr + start));
		} else if (at_eof || s->line.size - start >= LINE_MAX_PIECE) {
			len = s->line.size - start;
		} else {
			break;
		}
		{
			char saved = s->line.ptr[start + len];

			s->line.ptr[start + len] = '\0';
			rc = opts->on_line(
			    s->stream, s->line.ptr + start, len, opts->payload);
			s->line.ptr[start + len] = saved;
		}
		start += len + (nl != NULL ? 1 : 0);
		if (rc != 0)
			return ecra_error_set(ECRA_EUSER,
			    "output callback stopped the child process");
	}
	if (start > 0) {
		memmove(s->line.ptr, s->line.ptr + start, s->line.size - start);
		ecra_buf_truncate(&s->line, s->line.size - start);
	}
	return 0;
}

static int consume(
    sink *s, const ecra_proc_options *opts, const char *data, size_t len)
{
	size_t room, keep;
	int error;

	if (!s->discard) {
		room = s->capture->limit > s->capture->size
		           ? s->capture->limit - s->capture->size
		           : 0;
		keep = len < room ? len : room;
		if (keep > 0 &&
		    (error = ecra_buf_put(s->capture, data, keep)) < 0)
			return error;
		*s->dropped += len - keep;
	}
	if (opts->on_chunk != NULL &&
	    opts->on_chunk(s->stream, data, len, opts->payload) != 0)
		return ecra_error_set(
		    ECRA_EUSER, "output callback stopped the child process");
	if (opts->on_line != NULL) {
		if ((error = ecra_buf_put(&s->line, data, len)) < 0)
			return error;
		return deliver_lines(s, opts, false);
	}
	return 0;
}

/* A child that ignores the forwarded signal is killed this much later. */
#define CANCEL_GRACE_MS 10000
/* How often poll() wakes up to look at the cancel flag. */
#define CANCEL_POLL_MS 100

/* The state of one ecra_proc_run(): prepared, spawned, pumped, reaped. */
typedef struct {
	const ecra_proc_options *opts;
	const char *const *argv;
	ecra_proc_result *res;
	ecra_strvec envp;
	char *program;
	int outp[2], errp[2], statp[2], inp[2];
	int devnull;
	pid_t pid;
	bool own_group;
	bool reaped;
	int status;
	sink sinks[2];
	size_t in_off;
	long long deadline;  /* 0 = none */
	long long cancel_at; /* when *cancel was passed on; 0 = not yet */
} proc_state;

static void kill_child(const proc_state *st, int sig)
{
	if (st->own_group)
		kill(-st->pid, sig);
	kill(st->pid, sig);
}

static void reap(proc_state *st)
{
	while (waitpid(st->pid, &st->status, 0) < 0 && errno == EINTR)
		;
	st->reaped = true;
}

/* Kill (SIGKILL), reap and record the signal. */
static void kill_and_reap(proc_state *st)
{
	kill_child(st, SIGKILL);
	reap(st);
	if (WIFSIGNALED(st->status))
		st->res->term_signal = WTERMSIG(st->status);
}

/* Pass a cancellation on to the child once; SIGKILL after the grace. */
static void check_cancel(proc_state *st)
{
	int sig;

	if (st->opts->cancel == NULL || *st->opts->cancel == 0)
		return;
	if (st->cancel_at == 0) {
		sig = *st->opts->cancel;
		if (sig != SIGINT && sig != SIGTERM)
			sig = SIGTERM;
		kill_child(st, sig);
		st->res->cancelled = true;
		st->cancel_at = now_ms();
	} else if (now_ms() - st->cancel_at > CANCEL_GRACE_MS) {
		kill_child(st, SIGKILL);
	}
}

/* Environment, program, working directory and pipes. */
static int prepare(proc_state *st)
{
	const ecra_proc_options *opts = st->opts;
	const char *path_var = NULL;
	int error, inj;

	if ((error = build_env(&st->envp, opts, &path_var)) < 0)
		return error;
	if ((error = ecra_proc_find_program(
	         &st->program, st->argv[0], path_var)) < 0) {
		st->res->program_missing = error == ECRA_ENOTFOUND;
		return error;
	}
	if (opts->cwd != NULL) {
		struct stat sb;

		if (stat(opts->cwd, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			st->res->cwd_missing = true;
			return ecra_error_set(ECRA_ENOTFOUND,
			    "cannot run '%s': working directory '%s' does not "
			    "exist",
			    st->argv[0], opts->cwd);
		}
	}
	if ((inj = take_fault(ECRA_PROC_FAULT_PIPE)) != 0) {
		errno = inj;
		return ecra_error_set_os(ECRA_EIO, "cannot create pipes");
	}
	if (opts->stdout_pty) {
		struct termios tio;
		struct winsize ws = { .ws_row = 50, .ws_col = 200 };

		memset(&tio, 0, sizeof(tio));
		tio.c_cflag = CS8 | CREAD;
		if (openpty(&st->outp[0], &st->outp[1], NULL, &tio, &ws) != 0)
			return ecra_error_set_os(
			    ECRA_EIO, "cannot open a pseudo-terminal");
	} else if (pipe(st->outp) != 0) {
		return ecra_error_set_os(ECRA_EIO, "cannot create pipes");
	}
	if (pipe(st->errp) != 0 || pipe(st->statp) != 0)
		return ecra_error_set_os(ECRA_EIO, "cannot create pipes");
	if (opts->stdin_data != NULL) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, st->inp) != 0)
			return ecra_error_set_os(
			    ECRA_EIO, "cannot create the stdin socket");
	} else if ((st->devnull = open("/dev/null", O_RDONLY)) < 0) {
		return ecra_error_set_os(ECRA_EIO, "cannot open '/dev/null'");
	}
	set_cloexec(st->outp[0]);
	set_cloexec(st->errp[0]);
	set_cloexec(st->statp[0]);
	set_cloexec(st->statp[1]);
	if (st->inp[0] >= 0)
		set_cloexec(st->inp[0]);
	return 0;
}

/* The child side of spawn(): only async-signal-safe calls. */
static void exec_child(const proc_state *st, int inj)
{
	int in_fd = st->inp[1] >= 0 ? st->inp[1] : st->devnull;

	if (st->own_group)
		setpgid(0, 0);
	/* The tool ignores SIGPIPE (cli/signals.c); an ignored disposition
	 * survives execve, so give the child the default back (signal() is
	 * async-signal-safe). */
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in_fd, 0) < 0 || dup2(st->outp[1], 1) < 0 ||
	    dup2(st->errp[1], 2) < 0)
		child_fail(st->statp[1], 'd', errno);
	if (st->opts->cwd != NULL && chdir(st->opts->cwd) != 0)
		child_fail(st->statp[1], 'c', errno);
	if (inj != 0)
		child_fail(st->statp[1], 'e', inj);
	execve(st->program, (char *const *)st->argv, st->envp.items);
	child_fail(st->statp[1], 'e', errno);
}

/* fork + exec, and wait until exec succeeded or the child said why not. */
static int spawn(proc_state *st)
{
	const char *const *argv = st->argv;
	unsigned char msg[1 + sizeof(int)];
	ssize_t n;
	int inj, err;

	if ((inj = take_fault(ECRA_PROC_FAULT_FORK)) != 0) {
		errno = inj;
		return ecra_error_set_os(
		    ECRA_EIO, "cannot start '%s'", argv[0]);
	}
	inj = take_fault(ECRA_PROC_FAULT_EXEC);
	st->pid = fork();
	if (st->pid < 0)
		return ecra_error_set_os(
		    ECRA_EIO, "cannot start '%s'", argv[0]);
	if (st->pid == 0)
		exec_child(st, inj);
	if (st->own_group)
		setpgid(st->pid, st->pid); /* also here: no race with kill */
	close_fd(&st->outp[1]);
	close_fd(&st->errp[1]);
	close_fd(&st->statp[1]);
	close_fd(&st->inp[1]);
	close_fd(&st->devnull);

	/* Wait for exec (the pipe closes) or an error report. */
	do {
		n = read(st->statp[0], msg, sizeof(msg));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(msg))
		return 0;
	memcpy(&err, msg + 1, sizeof(int));
	reap(st);
	errno = err;
	st->res->cwd_missing = msg[0] == 'c' && err == ENOENT;
	st->res->program_missing = msg[0] == 'e' && err == ENOENT;
	if (msg[0] == 'c')
		return ecra_error_set_os(
		    err == ENOENT ? ECRA_ENOTFOUND : ECRA_EIO,
		    "cannot run '%s': cannot enter '%s'", argv[0],
		    st->opts->cwd);
	if (err == ENOENT)
		return ecra_error_set(ECRA_ENOTFOUND,
		    "cannot run '%s': '%s' not found", argv[0], st->program);
	return ecra_error_set_os(ECRA_ERROR, "cannot run '%s'", argv[0]);
}

/* Write the next piece of stdin; close it when done or refused. */
static void feed_stdin(proc_state *st)
{
	const char *data = st->opts->stdin_data;
	ssize_t n = send(st->inp[0], data + st->in_off,
	    st->opts->stdin_len - st->in_off, MSG_NOSIGNAL);

	if (n > 0)
		st->in_off += (size_t)n;
	/* EPIPE: the child closed its stdin; that is its business, not an
	 * error. */
	if ((n < 0 && errno != EAGAIN && errno != EINTR &&
	        errno != EWOULDBLOCK) ||
	    st->in_off == st->opts->stdin_len) {
		shutdown(st->inp[0], SHUT_WR);
		close_fd(&st->inp[0]);
	}
}

/* Read what sink i has; at EOF deliver its last line and close it. */
static int drain(proc_state *st, int i)
{
	char chunk[READ_CHUNK];
	ssize_t n = read(st->sinks[i].fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	/* A pseudo-terminal's master reads EIO once the child side closed:
	 * its EOF. */
	if (n <= 0) {
		close_fd(&st->sinks[i].fd);
		return deliver_lines(&st->sinks[i], st->opts, true);
	}
	return consume(&st->sinks[i], st->opts, chunk, (size_t)n);
}

/* Feed stdin and collect stdout/stderr until both close (or the
 * deadline passes: res->timed_out). */
static int pump(proc_state *st)
{
	const ecra_proc_options *opts = st->opts;
	ecra_proc_result *res = st->res;
	int inj, error;

	st->sinks[0].fd = st->outp[0];
	st->sinks[0].stream = ECRA_PROC_STDOUT;
	st->sinks[0].capture = &res->out;
	st->sinks[0].dropped = &res->out_dropped;
	st->sinks[0].discard = opts->discard_stdout;
	st->sinks[0].cr_ends_line = opts->stdout_pty;
	st->sinks[1].fd = st->errp[0];
	st->sinks[1].stream = ECRA_PROC_STDERR;
	st->sinks[1].capture = &res->err;
	st->sinks[1].dropped = &res->err_dropped;
	st->sinks[1].discard = opts->discard_stderr;
	st->outp[0] = st->errp[0] = -1; /* owned by the sinks now */
	if (st->inp[0] >= 0) {
		set_nonblock(st->inp[0]);
		if (opts->stdin_len == 0)
			close_fd(&st->inp[0]);
	}

	while (
	    st->sinks[0].fd >= 0 || st->sinks[1].fd >= 0 || st->inp[0] >= 0) {
		struct pollfd pfd[3];
		int timeout = -1, rc, i;

		for (i = 0; i < 2; i++) {
			pfd[i].fd = st->sinks[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		pfd[2].fd = st->inp[0];
		pfd[2].events = POLLOUT;
		pfd[2].revents = 0;
		if (st->deadline > 0) {
			long long left = st->deadline - now_ms();

			if (left <= 0) {
				res->timed_out = true;
				return 0;
			}
			timeout = left > 60000 ? 60000 : (int)left;
		}
		if (opts->cancel != NULL &&
		    (timeout < 0 || timeout > CANCEL_POLL_MS))
			timeout = CANCEL_POLL_MS;
		if ((inj = take_fault(ECRA_PROC_FAULT_POLL)) != 0) {
			errno = inj;
			rc = -1;
		} else {
			rc = poll(pfd, 3, timeout);
		}
		check_cancel(st);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return ecra_error_set_os(ECRA_EIO,
			    "cannot collect the output of '%s'", st->argv[0]);
		}
		if (pfd[2].revents != 0 && st->inp[0] >= 0)
			feed_stdin(st);
		for (i = 0; i < 2; i++)
			if (st->sinks[i].fd >= 0 && pfd[i].revents != 0 &&
			    (error = drain(st, i)) < 0)
				return error;
	}
	return 0;
}

/* Output is closed: wait for the exit (within the deadline) and record
 * how the child ended. */
static int finish(proc_state *st)
{
	ecra_proc_result *res = st->res;

	while (!res->timed_out && (st->deadline > 0 || st->opts->cancel)) {
		pid_t w = waitpid(st->pid, &st->status, WNOHANG);
		struct timespec ts = { 0, 5 * 1000000L };

		if (w == st->pid || (w < 0 && errno != EINTR)) {
			st->reaped = true; /* or nothing left to wait for */
			break;
		}
		if (st->deadline > 0 && now_ms() >= st->deadline)
			res->timed_out = true;
		else
			check_cancel(st);
		if (!res->timed_out)
			nanosleep(&ts, NULL);
	}
	if (res->timed_out) {
		kill_child(st, SIGKILL);
		reap(st);
		res->term_signal =
		    WIFSIGNALED(st->status) ? WTERMSIG(st->status) : 0;
		return ecra_error_set(ECRA_ERROR, "'%s' timed out after %u ms",
		    st->argv[0], st->opts->timeout_ms);
	}
	if (!st->reaped)
		reap(st);
	if (WIFEXITED(st->status)) {
		res->exited = true;
		res->exit_code = WEXITSTATUS(st->status);
	} else if (WIFSIGNALED(st->status)) {
		res->term_signal = WTERMSIG(st->status);
	}
	return 0;
}

static void proc_state_dispose(proc_state *st)
{
	int i;

	for (i = 0; i < 2; i++) {
		close_fd(&st->outp[i]);
		close_fd(&st->errp[i]);
		close_fd(&st->statp[i]);
		close_fd(&st->inp[i]);
		close_fd(&st->sinks[i].fd);
		ecra_buf_dispose(&st->sinks[i].line);
	}
	close_fd(&st->devnull);
	ecra_strvec_dispose(&st->envp);
	ecra_free(st->program);
}

int ecra_proc_run(ecra_proc_result *res, const char *const *argv,
    const ecra_proc_options *opts)
{
	static const ecra_proc_options defaults = { .version = 1 };
	proc_state st;
	int error;

	if (res == NULL)
		return ecra_error_set(
		    ECRA_EINVALID, "invalid argument: 'res' must not be NULL");
	memset(res, 0, sizeof(*res));
	ECRA_ASSERT_ARG(argv);
	ECRA_CHECK_VERSION(opts, ECRA_PROC_OPTIONS_VERSION, ecra_proc_options);
	if (opts == NULL)
		opts = &defaults;
	if (argv[0] == NULL || argv[0][0] == '\0')
		return ecra_error_set(
		    ECRA_EINVALID, "cannot run a process with an empty argv");
	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.argv = argv;
	st.res = res;
	st.outp[0] = st.outp[1] = st.errp[0] = st.errp[1] = -1;
	st.statp[0] = st.statp[1] = st.inp[0] = st.inp[1] = -1;
	st.sinks[0].fd = st.sinks[1].fd = st.devnull = -1;
	st.pid = -1;
	st.own_group = opts->timeout_ms > 0;
	res->out.limit =
	    opts->stdout_limit ? opts->stdout_limit : ECRA_PROC_DEFAULT_CAPTURE;
	res->err.limit =
	    opts->stderr_limit ? opts->stderr_limit : ECRA_PROC_DEFAULT_CAPTURE;

	if ((error = prepare(&st)) < 0 || (error = spawn(&st)) < 0)
		goto done;
	if (opts->timeout_ms > 0)
		st.deadline = now_ms() + opts->timeout_ms;
	if ((error = pump(&st)) < 0) {
		kill_and_reap(&st);
		goto done;
	}
	error = finish(&st);
done:
	proc_state_dispose(&st);
	return error;
}
