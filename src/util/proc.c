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
 */
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
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

static void kill_child(pid_t pid, bool own_group)
{
	if (own_group)
		kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

static void reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

int ecra_proc_run(ecra_proc_result *res, const char *const *argv,
    const ecra_proc_options *opts)
{
	static const ecra_proc_options defaults = { .version = 1 };
	ecra_strvec envp = ECRA_STRVEC_INIT;
	const char *path_var = NULL;
	char *program = NULL;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, statp[2] = { -1, -1 };
	int inp[2] = { -1, -1 };
	int devnull = -1, status = 0, error = 0, inj;
	pid_t pid = -1;
	bool own_group, reaped = false;
	sink sinks[2];
	size_t in_off = 0;
	long long deadline = 0;
	unsigned char msg[1 + sizeof(int)];
	ssize_t n;

	if (res == NULL)
		return ecra_error_set(
		    ECRA_EINVALID, "invalid argument: 'res' must not be NULL");
	memset(res, 0, sizeof(*res));
	memset(sinks, 0, sizeof(sinks));
	sinks[0].fd = sinks[1].fd = -1;
	ECRA_ASSERT_ARG(argv);
	ECRA_CHECK_VERSION(opts, ECRA_PROC_OPTIONS_VERSION, ecra_proc_options);
	if (opts == NULL)
		opts = &defaults;
	if (argv[0] == NULL || argv[0][0] == '\0')
		return ecra_error_set(
		    ECRA_EINVALID, "cannot run a process with an empty argv");
	res->out.limit =
	    opts->stdout_limit ? opts->stdout_limit : ECRA_PROC_DEFAULT_CAPTURE;
	res->err.limit =
	    opts->stderr_limit ? opts->stderr_limit : ECRA_PROC_DEFAULT_CAPTURE;
	own_group = opts->timeout_ms > 0;

	if ((error = build_env(&envp, opts, &path_var)) < 0)
		goto done;
	if ((error = ecra_proc_find_program(&program, argv[0], path_var)) < 0) {
		res->program_missing = error == ECRA_ENOTFOUND;
		goto done;
	}
	if (opts->cwd != NULL) {
		struct stat st;

		if (stat(opts->cwd, &st) != 0 || !S_ISDIR(st.st_mode)) {
			res->cwd_missing = true;
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "cannot run '%s': working directory '%s' does not "
			    "exist",
			    argv[0], opts->cwd);
			goto done;
		}
	}

	if ((inj = take_fault(ECRA_PROC_FAULT_PIPE)) != 0) {
		errno = inj;
		error = ecra_error_set_os(ECRA_EIO, "cannot create pipes");
		goto done;
	}
	if (pipe(outp) != 0 || pipe(errp) != 0 || pipe(statp) != 0) {
		error = ecra_error_set_os(ECRA_EIO, "cannot create pipes");
		goto done;
	}
	if (opts->stdin_data != NULL) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, inp) != 0) {
			error = ecra_error_set_os(
			    ECRA_EIO, "cannot create the stdin socket");
			goto done;
		}
	} else if ((devnull = open("/dev/null", O_RDONLY)) < 0) {
		error = ecra_error_set_os(ECRA_EIO, "cannot open '/dev/null'");
		goto done;
	}
	set_cloexec(outp[0]);
	set_cloexec(errp[0]);
	set_cloexec(statp[0]);
	set_cloexec(statp[1]);
	if (inp[0] >= 0)
		set_cloexec(inp[0]);

	if ((inj = take_fault(ECRA_PROC_FAULT_FORK)) != 0) {
		errno = inj;
		error =
		    ecra_error_set_os(ECRA_EIO, "cannot start '%s'", argv[0]);
		goto done;
	}
	inj = take_fault(ECRA_PROC_FAULT_EXEC);
	pid = fork();
	if (pid < 0) {
		error =
		    ecra_error_set_os(ECRA_EIO, "cannot start '%s'", argv[0]);
		goto done;
	}
	if (pid == 0) {
		int in_fd = inp[1] >= 0 ? inp[1] : devnull;

		if (own_group)
			setpgid(0, 0);
		/* The tool ignores SIGPIPE (cli/signals.c); an ignored
		 * disposition survives execve, so give the child the default
		 * back (signal() is async-signal-safe). */
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in_fd, 0) < 0 || dup2(outp[1], 1) < 0 ||
		    dup2(errp[1], 2) < 0)
			child_fail(statp[1], 'd', errno);
		if (opts->cwd != NULL && chdir(opts->cwd) != 0)
			child_fail(statp[1], 'c', errno);
		if (inj != 0)
			child_fail(statp[1], 'e', inj);
		execve(program, (char *const *)argv, envp.items);
		child_fail(statp[1], 'e', errno);
	}
	if (own_group)
		setpgid(pid, pid); /* also in the parent: no race with kill */
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	close_fd(&statp[1]);
	close_fd(&inp[1]);
	close_fd(&devnull);

	/* Wait for exec (the pipe closes) or an error report. */
	do {
		n = read(statp[0], msg, sizeof(msg));
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(msg)) {
		int err;

		memcpy(&err, msg + 1, sizeof(int));
		reap(pid, &status);
		reaped = true;
		errno = err;
		res->cwd_missing = msg[0] == 'c' && err == ENOENT;
		res->program_missing = msg[0] == 'e' && err == ENOENT;
		if (msg[0] == 'c')
			error = ecra_error_set_os(
			    err == ENOENT ? ECRA_ENOTFOUND : ECRA_EIO,
			    "cannot run '%s': cannot enter '%s'", argv[0],
			    opts->cwd);
		else if (err == ENOENT)
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "cannot run '%s': '%s' not found", argv[0],
			    program);
		else
			error = ecra_error_set_os(
			    ECRA_ERROR, "cannot run '%s'", argv[0]);
		goto done;
	}

	if (opts->timeout_ms > 0)
		deadline = now_ms() + opts->timeout_ms;
	sinks[0].fd = outp[0];
	sinks[0].stream = ECRA_PROC_STDOUT;
	sinks[0].capture = &res->out;
	sinks[0].dropped = &res->out_dropped;
	sinks[0].discard = opts->discard_stdout;
	sinks[1].fd = errp[0];
	sinks[1].stream = ECRA_PROC_STDERR;
	sinks[1].capture = &res->err;
	sinks[1].dropped = &res->err_dropped;
	sinks[1].discard = opts->discard_stderr;
	outp[0] = errp[0] = -1; /* owned by the sinks now */
	if (inp[0] >= 0) {
		set_nonblock(inp[0]);
		if (opts->stdin_len == 0)
			close_fd(&inp[0]);
	}

	while (sinks[0].fd >= 0 || sinks[1].fd >= 0 || inp[0] >= 0) {
		struct pollfd pfd[3];
		int nfds = 0, timeout = -1, rc, i;

		for (i = 0; i < 2; i++) {
			pfd[i].fd = sinks[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		pfd[2].fd = inp[0];
		pfd[2].events = POLLOUT;
		pfd[2].revents = 0;
		nfds = 3;
		if (deadline > 0) {
			long long left = deadline - now_ms();

			if (left <= 0) {
				res->timed_out = true;
				break;
			}
			timeout = left > 60000 ? 60000 : (int)left;
		}
		if ((inj = take_fault(ECRA_PROC_FAULT_POLL)) != 0) {
			errno = inj;
			rc = -1;
		} else {
			rc = poll(pfd, (nfds_t)nfds, timeout);
		}
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			error = ecra_error_set_os(ECRA_EIO,
			    "cannot collect the output of '%s'", argv[0]);
			goto kill;
		}
		if (pfd[2].revents != 0 && inp[0] >= 0) {
			const char *data = opts->stdin_data;

			n = send(inp[0], data + in_off,
			    opts->stdin_len - in_off, MSG_NOSIGNAL);
			if (n > 0)
				in_off += (size_t)n;
			/* EPIPE: the child closed its stdin; that is its
			 * business, not an error. */
			if ((n < 0 && errno != EAGAIN && errno != EINTR &&
			        errno != EWOULDBLOCK) ||
			    in_off == opts->stdin_len) {
				shutdown(inp[0], SHUT_WR);
				close_fd(&inp[0]);
			}
		}
		for (i = 0; i < 2; i++) {
			char chunk[READ_CHUNK];

			if (sinks[i].fd < 0 || pfd[i].revents == 0)
				continue;
			n = read(sinks[i].fd, chunk, sizeof(chunk));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close_fd(&sinks[i].fd);
				if ((error = deliver_lines(
				         &sinks[i], opts, true)) < 0)
					goto kill;
				continue;
			}
			if ((error = consume(
			         &sinks[i], opts, chunk, (size_t)n)) < 0)
				goto kill;
		}
	}

	/* Output is closed; wait for the exit within the deadline. */
	if (!res->timed_out && deadline > 0) {
		for (;;) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w == pid) {
				reaped = true;
				break;
			}
			if (w < 0 && errno != EINTR) {
				reaped = true; /* nothing left to wait for */
				break;
			}
			if (now_ms() >= deadline) {
				res->timed_out = true;
				break;
			}
			{
				struct timespec ts = { 0, 5 * 1000000L };

				nanosleep(&ts, NULL);
			}
		}
	}
	if (res->timed_out) {
		kill_child(pid, own_group);
		reap(pid, &status);
		reaped = true;
		res->term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		error = ecra_error_set(ECRA_ERROR, "'%s' timed out after %u ms",
		    argv[0], opts->timeout_ms);
		goto done;
	}
	if (!reaped) {
		reap(pid, &status);
		reaped = true;
	}
	if (WIFEXITED(status)) {
		res->exited = true;
		res->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->term_signal = WTERMSIG(status);
	}
	goto done;

kill:
	kill_child(pid, own_group);
	reap(pid, &status);
	reaped = true;
	if (WIFSIGNALED(status))
		res->term_signal = WTERMSIG(status);

done:
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&statp[0]);
	close_fd(&statp[1]);
	close_fd(&inp[0]);
	close_fd(&inp[1]);
	close_fd(&devnull);
	close_fd(&sinks[0].fd);
	close_fd(&sinks[1].fd);
	ecra_buf_dispose(&sinks[0].line);
	ecra_buf_dispose(&sinks[1].line);
	ecra_strvec_dispose(&envp);
	ecra_free(program);
	return error;
}
