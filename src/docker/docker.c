/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * docker/docker.c - the docker CLI driver: argv construction, display
 * rendering with redaction, and running commands through util/proc.
 */
#include "docker/docker.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"
#include "util/proc.h"

/* How much of a child's stderr goes into an error message. */
#define STDERR_TAIL 600
#define STDERR_CAP  (256u * 1024)

static const char *program_of(const ecra_docker *d)
{
	return d->program != NULL && d->program[0] != '\0' ? d->program
	                                                   : "docker";
}

char *ecra_docker_local_tag(const char *asset_id)
{
	size_t n = strlen(asset_id), i;
	char *tag = ecra_alloc(n + sizeof("cdkasset-"));

	if (tag == NULL)
		return NULL;
	memcpy(tag, "cdkasset-", 9);
	for (i = 0; i < n; i++)
		tag[9 + i] = (char)tolower((unsigned char)asset_id[i]);
	tag[9 + n] = '\0';
	return tag;
}

static bool truthy(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static int push_pair(ecra_strvec *v, const char *flag, const char *value)
{
	int error;

	if ((error = ecra_strvec_push(v, flag)) < 0)
		return error;
	return ecra_strvec_push(v, value);
}

static int push_kvs(
    ecra_strvec *v, const char *flag, const ecra_docker_kv *kv, size_t n)
{
	size_t i;
	int error;

	for (i = 0; i < n; i++) {
		if ((error = ecra_strvec_push(v, flag)) < 0 ||
		    (error = ecra_strvec_pushf(
		         v, "%s=%s", kv[i].key, kv[i].value)) < 0)
			return error;
	}
	return 0;
}

/* "type=<t>" then ",k=v..." (a present but empty params gives a trailing
 * ',', as upstream). */
static int push_cache(
    ecra_strvec *v, const char *flag, const ecra_docker_cache *c)
{
	ecra_buf spec = ECRA_BUF_INIT(0);
	size_t i;
	int error;

	if ((error = ecra_buf_printf(&spec, "type=%s", c->type)) < 0)
		goto done;
	if (c->has_params) {
		if ((error = ecra_buf_putc(&spec, ',')) < 0)
			goto done;
		for (i = 0; i < c->param_count; i++)
			if ((error = ecra_buf_printf(&spec, "%s%s=%s",
			         i ? "," : "", c->params[i].key,
			         c->params[i].value)) < 0)
				goto done;
	}
	if ((error = ecra_strvec_push(v, flag)) < 0)
		goto done;
	error = ecra_strvec_push(v, spec.ptr);
done:
	ecra_buf_dispose(&spec);
	return error;
}

int ecra_docker_build_argv(ecra_strvec *v, const ecra_docker_build_args *b)
{
	size_t i;
	int error;

	if ((error = ecra_strvec_push(v, "build")) < 0 ||
	    (error = push_kvs(
	         v, "--build-arg", b->build_args, b->build_arg_count)) < 0 ||
	    (error = push_kvs(v, "--build-context", b->build_contexts,
	         b->build_context_count)) < 0)
		return error;
	for (i = 0; i < b->build_secret_count; i++)
		if ((error = ecra_strvec_push(v, "--secret")) < 0 ||
		    (error = ecra_strvec_pushf(v, "id=%s,%s",
		         b->build_secrets[i].key, b->build_secrets[i].value)) <
		        0)
			return error;
	if (truthy(b->ssh) && (error = push_pair(v, "--ssh", b->ssh)) < 0)
		return error;
	if ((error = push_pair(v, "--tag", b->tag)) < 0)
		return error;
	if (truthy(b->target) &&
	    (error = push_pair(v, "--target", b->target)) < 0)
		return error;
	if (truthy(b->file) && (error = push_pair(v, "--file", b->file)) < 0)
		return error;
	if (truthy(b->network) &&
	    (error = push_pair(v, "--network", b->network)) < 0)
		return error;
	if (truthy(b->platform) &&
	    (error = push_pair(v, "--platform", b->platform)) < 0)
		return error;
	for (i = 0; i < b->output_count; i++)
		if ((error = ecra_strvec_pushf(
		         v, "--output=%s", b->outputs[i])) < 0)
			return error;
	for (i = 0; i < b->cache_from_count; i++)
		if ((error = push_cache(v, "--cache-from", &b->cache_from[i])) <
		    0)
			return error;
	if (b->cache_to != NULL &&
	    (error = push_cache(v, "--cache-to", b->cache_to)) < 0)
		return error;
	if (b->no_cache && (error = ecra_strvec_push(v, "--no-cache")) < 0)
		return error;
	return ecra_strvec_push(v, ".");
}

static bool display_safe(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) &&
		    strchr("_%+=:,.@/-", *s) == NULL)
			return false;
	return true;
}

static int display_arg(ecra_buf *out, const char *s)
{
	int error;

	if (display_safe(s))
		return ecra_buf_puts(out, s);
	if ((error = ecra_buf_putc(out, '\'')) < 0)
		return error;
	for (; *s; s++) {
		error = *s == '\'' ? ecra_buf_puts(out, "'\"'\"'")
		                   : ecra_buf_putc(out, *s);
		if (error < 0)
			return error;
	}
	return ecra_buf_putc(out, '\'');
}

int ecra_docker_display(
    ecra_buf *out, const char *const *argv, size_t argc, bool redact)
{
	ecra_buf tok = ECRA_BUF_INIT(0);
	size_t i;
	int error = 0;

	for (i = 0; i < argc; i++) {
		if (i > 0 && (error = ecra_buf_putc(out, ' ')) < 0)
			goto done;
		if ((error = display_arg(out, argv[i])) < 0)
			goto done;
		if (redact && i + 1 < argc &&
		    (strcmp(argv[i], "--build-arg") == 0 ||
		        strcmp(argv[i], "--secret") == 0)) {
			const char *t = argv[++i], *eq = strchr(t, '=');

			ecra_buf_clear(&tok);
			if (eq != NULL && (error = ecra_buf_put(&tok, t,
			                       (size_t)(eq - t + 1))) < 0)
				goto done;
			if ((error = ecra_buf_puts(&tok, "<redacted>")) < 0 ||
			    (error = ecra_buf_putc(out, ' ')) < 0 ||
			    (error = display_arg(out, tok.ptr)) < 0)
				goto done;
		}
	}
done:
	ecra_buf_dispose(&tok);
	return error;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGHUP:
		return "SIGHUP";
	case SIGINT:
		return "SIGINT";
	case SIGQUIT:
		return "SIGQUIT";
	case SIGABRT:
		return "SIGABRT";
	case SIGKILL:
		return "SIGKILL";
	case SIGSEGV:
		return "SIGSEGV";
	case SIGPIPE:
		return "SIGPIPE";
	case SIGTERM:
		return "SIGTERM";
	default:
		return NULL;
	}
}

/* The trimmed tail of a captured stream (points into `b`). */
static const char *trimmed_tail(ecra_buf *b, size_t max)
{
	char *s;
	size_t n;

	if (b->ptr == NULL)
		return "";
	s = b->ptr;
	n = b->size;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
	while (*s && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	if (n > max)
		s += n - max;
	return s;
}

bool ecra_docker_banner_line(const char *line, size_t len)
{
	static const char *const banner[] = {
		"DEPRECATED: The legacy builder is deprecated",
		"Install the buildx component to build images with BuildKit",
		"https://docs.docker.com/go/buildx/",
	};
	size_t i, n;

	while (len > 0 && isspace((unsigned char)*line))
		line++, len--;
	for (i = 0; i < sizeof(banner) / sizeof(banner[0]); i++) {
		n = strlen(banner[i]);
		if (len >= n && memcmp(line, banner[i], n) == 0)
			return true;
	}
	return false;
}

/* The last line of `s` that says something: not blank, not the legacy
 * builder banner (points into s, which is cut after it). The whole
 * output of a streamed command was shown already; its failure names
 * only this line. */
static const char *last_meaningful_line(char *s)
{
	char *end = s + strlen(s), *start;

	while (end > s) {
		while (end > s && isspace((unsigned char)end[-1]))
			end--;
		start = end;
		while (start > s && start[-1] != '\n')
			start--;
		if (end > start &&
		    !ecra_docker_banner_line(start, (size_t)(end - start))) {
			*end = '\0';
			while (isspace((unsigned char)*start))
				start++;
			return start;
		}
		end = start;
	}
	return "";
}

static bool daemon_down(const char *err)
{
	return strstr(err, "Cannot connect to the Docker daemon") != NULL ||
	       strstr(err, "Is the docker daemon running") != NULL ||
	       strstr(err, "error during connect") != NULL;
}

/* Turn a finished child into 0 or the standard process-failed error. */
static int process_failed(ecra_proc_result *res, const char *display,
    unsigned int timeout_ms, bool streamed)
{
	const char *err = streamed && res->err.ptr != NULL
	                      ? last_meaningful_line(res->err.ptr)
	                      : trimmed_tail(&res->err, STDERR_TAIL);
	const char *sig;

	if (res->timed_out)
		return ecra_error_set(ECRA_EDOCKER, "%s timed out after %u ms",
		    display, timeout_ms);
	if (!res->exited) {
		sig = signal_name(res->term_signal);
		if (sig != NULL)
			return ecra_error_set(ECRA_EDOCKER,
			    "%s exited with signal %s", display, sig);
		return ecra_error_set(ECRA_EDOCKER, "%s exited with signal %d",
		    display, res->term_signal);
	}
	if (daemon_down(err))
		return ecra_error_set(ECRA_EDOCKER,
		    "cannot reach the docker daemon (is it running? check "
		    "DOCKER_HOST): %s exited with error code %d: %s",
		    display, res->exit_code, err);
	if (*err == '\0')
		return ecra_error_set(ECRA_EDOCKER,
		    "%s exited with error code %d", display, res->exit_code);
	return ecra_error_set(ECRA_EDOCKER, "%s exited with error code %d: %s",
	    display, res->exit_code, err);
}

static int on_line(int stream, const char *line, size_t len, void *payload)
{
	const ecra_docker *d = payload;

	d->on_line(stream, line, len, d->payload);
	return 0;
}

/* "12.3MB" (docker's units.HumanSize, powers of 1000) in bytes; false
 * when `s` is not one. */
static bool parse_human_size(const char *s, size_t len, uint64_t *out)
{
	static const struct {
		const char *unit;
		double factor;
	} units[] = { { "B", 1 }, { "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 },
		{ "GB", 1e9 }, { "TB", 1e12 }, { "PB", 1e15 } };
	char num[32];
	size_t n = 0, i;
	double v;

	while (n < len && n + 1 < sizeof(num) &&
	       ((s[n] >= '0' && s[n] <= '9') || s[n] == '.'))
		n++;
	if (n == 0 || n + 1 >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	v = strtod(num, NULL);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (len - n == strlen(units[i].unit) &&
		    memcmp(s + n, units[i].unit, len - n) == 0) {
			*out = (uint64_t)(v * units[i].factor + 0.5);
			return true;
		}
	return false;
}

/* One segment of docker push's terminal output: "<id>: Pushing
 * [==>   ]  12.3MB/45.6MB 3s" goes to on_progress and is dropped (true);
 * "<id>: Pushed" and the like go to on_progress and on to on_line. */
static bool push_progress(const ecra_docker *d, const char *s, size_t len)
{
	char id[80];
	size_t n = 0;
	const char *rest, *end = s + len, *p;
	uint64_t done = 0, total = 0;

	while (n < len && n + 1 < sizeof(id) &&
	       ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
		n++;
	if (n == 0 || n + 2 > len || s[n] != ':' || s[n + 1] != ' ')
		return false;
	memcpy(id, s, n);
	id[n] = '\0';
	rest = s + n + 2;
	if ((size_t)(end - rest) >= 7 && memcmp(rest, "Pushing", 7) == 0) {
		/* the numbers: the first word after the bar with a digit */
		p = rest + 7;
		if ((rest = memchr(p, ']', (size_t)(end - p))) != NULL)
			p = rest + 1;
		while (p < end && *p == ' ')
			p++;
		rest = p;
		while (p < end && *p != ' ' && *p != '/')
			p++;
		if (!parse_human_size(rest, (size_t)(p - rest), &done))
			return true;
		if (p < end && *p == '/') {
			rest = ++p;
			while (p < end && *p != ' ')
				p++;
			if (!parse_human_size(rest, (size_t)(p - rest), &total))
				total = 0;
		}
		d->on_progress(
		    id, ECRA_DOCKER_LAYER_PUSHING, done, total, d->payload);
		return true;
	}
	if ((size_t)(end - rest) >= 6 && memcmp(rest, "Pushed", 6) == 0)
		d->on_progress(id, ECRA_DOCKER_LAYER_PUSHED, 0, 0, d->payload);
	else if ((size_t)(end - rest) >= 20 &&
	         memcmp(rest, "Layer already exists", 20) == 0)
		d->on_progress(id, ECRA_DOCKER_LAYER_EXISTS, 0, 0, d->payload);
	else if ((size_t)(end - rest) >= 12 &&
	         memcmp(rest, "Mounted from", 12) == 0)
		d->on_progress(id, ECRA_DOCKER_LAYER_MOUNTED, 0, 0, d->payload);
	return false;
}

/* A line of docker push on a pseudo-terminal: drop the escape sequences
 * (cursor moves, line clears), split at carriage returns, and send each
 * segment to on_progress or on_line. */
static int on_pty_line(int stream, const char *line, size_t len, void *payload)
{
	const ecra_docker *d = payload;
	char buf[1024];
	size_t i = 0, n = 0;

	if (stream != 1) {
		if (d->on_line != NULL)
			d->on_line(stream, line, len, d->payload);
		return 0;
	}
	for (;;) {
		if (i == len || line[i] == '\r' || n + 1 == sizeof(buf)) {
			while (n > 0 && buf[n - 1] == ' ')
				n--;
			if (n > 0 && !push_progress(d, buf, n) &&
			    d->on_line != NULL)
				d->on_line(stream, buf, n, d->payload);
			n = 0;
			if (i == len)
				break;
			if (line[i] == '\r')
				i++;
			continue;
		}
		if (line[i] == '\033') {
			/* CSI: ESC [ parameters final byte (0x40-0x7e) */
			i++;
			if (i < len && line[i] == '[') {
				i++;
				while (i < len &&
				       !(line[i] >= 0x40 && line[i] <= 0x7e))
					i++;
			}
			if (i < len)
				i++;
			continue;
		}
		buf[n++] = line[i++];
	}
	return 0;
}

typedef struct {
	const char *cwd;
	const void *input;
	size_t input_len;
	bool pty;          /* stdout on a pseudo-terminal (push progress) */
	bool stream;       /* forward output lines */
	bool attestations; /* build: keep buildx default attestations */
	bool is_build;
	bool tolerate; /* return 0 for any exit; caller reads res */
} run_opts;

/* A failed command whose output was not streamed (inspect, login):
 * its whole stderr goes to the run's output once, above the failure
 * (which quotes only its tail). */
static void show_stderr(const ecra_docker *d, const ecra_proc_result *res)
{
	const char *p, *nl;

	if (d->on_line == NULL || res->err.ptr == NULL)
		return;
	for (p = res->err.ptr; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			d->on_line(2, p, strlen(p), d->payload);
			break;
		}
		d->on_line(2, p, (size_t)(nl - p), d->payload);
	}
}

/* Run `<program> args...`; on a non-zero exit fail unless ro->tolerate. */
static int run(const ecra_docker *d, const char *const *args, size_t nargs,
    const run_opts *ro, ecra_proc_result *res, bool redact)
{
	ecra_strvec argv = ECRA_STRVEC_INIT;
	ecra_buf display = ECRA_BUF_INIT(0);
	ecra_proc_env env[3];
	size_t nenv = 0, i;
	ecra_proc_options po;
	const char *prog = program_of(d);
	int error;

	memset(res, 0, sizeof(*res));
	if (d->program != NULL && d->program[0] == '\0') {
		error = ecra_error_set(ECRA_EDOCKER,
		    "docker not found (set CDK_DOCKER or install docker): "
		    "CDK_DOCKER is empty");
		goto done;
	}
	if ((error = ecra_strvec_push(&argv, prog)) < 0)
		goto done;
	if (d->config_arg != NULL &&
	    ((error = ecra_strvec_push(&argv, "--config")) < 0 ||
	        (error = ecra_strvec_push(&argv, d->config_arg)) < 0))
		goto done;
	for (i = 0; i < nargs; i++)
		if ((error = ecra_strvec_push(&argv, args[i])) < 0)
			goto done;
	if ((error = ecra_docker_display(&display,
	         (const char *const *)argv.items, argv.count, redact)) < 0)
		goto done;
	if (d->on_open != NULL)
		d->on_open(display.ptr, d->payload);

	if (d->config_dir != NULL) {
		env[nenv].name = "DOCKER_CONFIG";
		env[nenv++].value = d->config_dir;
	}
	if (d->path != NULL) {
		env[nenv].name = "PATH";
		env[nenv++].value = d->path;
	}
	if (ro->is_build && !ro->attestations) {
		env[nenv].name = "BUILDX_NO_DEFAULT_ATTESTATIONS";
		env[nenv++].value = "1";
	}
	memset(&po, 0, sizeof(po));
	po.version = ECRA_PROC_OPTIONS_VERSION;
	po.cwd = ro->cwd;
	po.env_base = d->env_base;
	po.env = env;
	po.env_count = nenv;
	po.stdin_data = ro->input;
	po.stdin_len = ro->input_len;
	po.stderr_limit = STDERR_CAP;
	po.stdout_limit = STDERR_CAP;
	po.discard_stdout = ro->stream;
	po.timeout_ms = d->timeout_ms;
	po.cancel = d->cancel;
	if (ro->stream && d->on_line != NULL) {
		po.on_line = on_line;
		po.payload = (void *)d;
	}
	if (ro->pty && d->on_progress != NULL) {
		po.stdout_pty = true;
		po.on_line = on_pty_line;
		po.payload = (void *)d;
	}
	error = ecra_proc_run(res, (const char *const *)argv.items, &po);
	if (error == ECRA_ENOTFOUND && ro->cwd != NULL) {
		struct stat st;

		if (stat(ro->cwd, &st) != 0 || !S_ISDIR(st.st_mode)) {
			error = ecra_error_set(ECRA_ENOTFOUND,
			    "directory '%s' does not exist", ro->cwd);
			goto done;
		}
	}
	if (error == ECRA_ENOTFOUND) {
		error = ecra_error_set(ECRA_EDOCKER,
		    "docker not found (set CDK_DOCKER or install docker): "
		    "cannot run '%s'",
		    prog);
		goto done;
	}
	if (error == ECRA_ERROR && res->timed_out) {
		error = process_failed(res, display.ptr, d->timeout_ms, false);
		goto done;
	}
	if (error < 0) {
		error = ecra_error_wrap("%s", display.ptr);
		goto done;
	}
	if (!ro->tolerate && !(res->exited && res->exit_code == 0)) {
		if (!ro->stream)
			show_stderr(d, res);
		error =
		    process_failed(res, display.ptr, d->timeout_ms, ro->stream);
	}
done:
	ecra_strvec_dispose(&argv);
	ecra_buf_dispose(&display);
	return error;
}

int ecra_docker_inspect(const ecra_docker *d, const char *ref, bool *exists)
{
	const char *args[] = { "inspect", ref };
	ecra_proc_result res;
	ecra_buf display = ECRA_BUF_INIT(0);
	run_opts ro = { .tolerate = true };
	int error;

	*exists = false;
	if ((error = run(d, args, 2, &ro, &res, false)) < 0)
		goto done;
	if (res.exited && res.exit_code == 0) {
		*exists = true;
		goto done;
	}
	if (res.exited && (res.exit_code == 1 || res.exit_code == 125) &&
	    !daemon_down(res.err.ptr ? res.err.ptr : ""))
		goto done;
	{
		const char *argv[5];
		size_t n = 0;

		argv[n++] = program_of(d);
		if (d->config_arg != NULL) {
			argv[n++] = "--config";
			argv[n++] = d->config_arg;
		}
		argv[n++] = "inspect";
		argv[n++] = ref;
		if ((error = ecra_docker_display(&display, argv, n, false)) < 0)
			goto done;
	}
	show_stderr(d, &res);
	error = process_failed(&res, display.ptr, d->timeout_ms, false);
done:
	ecra_proc_result_dispose(&res);
	ecra_buf_dispose(&display);
	return error;
}

int ecra_docker_build(const ecra_docker *d, const char *directory,
    const ecra_docker_build_args *b, bool attestations)
{
	ecra_strvec args = ECRA_STRVEC_INIT;
	ecra_proc_result res;
	run_opts ro = { .cwd = directory,
		.stream = true,
		.is_build = true,
		.attestations = attestations };
	struct stat st;
	int error;

	memset(&res, 0, sizeof(res));
	if (stat(directory, &st) != 0 || !S_ISDIR(st.st_mode)) {
		error = ecra_error_set(ECRA_ENOTFOUND,
		    "asset directory '%s' does not exist", directory);
		goto done;
	}
	if ((error = ecra_docker_build_argv(&args, b)) < 0)
		goto done;
	error = run(
	    d, (const char *const *)args.items, args.count, &ro, &res, true);
done:
	ecra_proc_result_dispose(&res);
	ecra_strvec_dispose(&args);
	return error;
}

int ecra_docker_tag(const ecra_docker *d, const char *src, const char *dst)
{
	const char *args[] = { "tag", src, dst };
	ecra_proc_result res;
	run_opts ro = { .stream = true };
	int error = run(d, args, 3, &ro, &res, false);

	ecra_proc_result_dispose(&res);
	return error;
}

int ecra_docker_push(const ecra_docker *d, const char *ref)
{
	const char *args[] = { "push", ref };
	ecra_proc_result res;
	run_opts ro = { .stream = true, .pty = true };
	int error = run(d, args, 2, &ro, &res, false);

	ecra_proc_result_dispose(&res);
	return error;
}

int ecra_docker_login(const ecra_docker *d, const char *user,
    const char *password, const char *endpoint)
{
	const char *args[] = { "login", "--username", user, "--password-stdin",
		endpoint };
	ecra_proc_result res;
	run_opts ro = { .input = password, .input_len = strlen(password) };
	int error = run(d, args, 5, &ro, &res, false);

	ecra_proc_result_dispose(&res);
	return error;
}

/* An executable's stderr goes to the run's output as it comes (as
 * cdk-assets shows it); stdout is the image name. */
static int on_exec_line(int stream, const char *line, size_t len, void *payload)
{
	const ecra_docker *d = payload;

	if (stream == 2)
		d->on_line(stream, line, len, d->payload);
	return 0;
}

int ecra_docker_run_executable(char **image, const ecra_docker *d,
    const char *const *argv, const char *cwd)
{
	ecra_proc_result res;
	ecra_proc_options po;
	ecra_buf display = ECRA_BUF_INIT(0);
	size_t argc = 0;
	const char *out, *err;
	int error;

	*image = NULL;
	memset(&res, 0, sizeof(res));
	while (argv[argc] != NULL)
		argc++;
	if (argc == 0) {
		error = ecra_error_set(
		    ECRA_EINVALID, "the executable source has an empty argv");
		goto done;
	}
	if ((error = ecra_docker_display(&display, argv, argc, true)) < 0)
		goto done;
	if (d->on_open != NULL)
		d->on_open(display.ptr, d->payload);
	memset(&po, 0, sizeof(po));
	po.version = ECRA_PROC_OPTIONS_VERSION;
	po.cwd = cwd;
	po.env_base = d->env_base;
	po.stdout_limit = 1024 * 1024;
	po.stderr_limit = STDERR_CAP;
	po.timeout_ms = d->timeout_ms;
	po.cancel = d->cancel;
	if (d->on_line != NULL) {
		po.on_line = on_exec_line;
		po.payload = (void *)d;
	}
	if ((error = ecra_proc_run(&res, argv, &po)) < 0) {
		if (res.timed_out)
			error = process_failed(
			    &res, display.ptr, d->timeout_ms, false);
		else
			error = ecra_error_wrap("executable %s", display.ptr);
		goto done;
	}
	if (!(res.exited && res.exit_code == 0)) {
		error = process_failed(&res, display.ptr, d->timeout_ms, false);
		goto done;
	}
	out = trimmed_tail(&res.out, (size_t)-1);
	if (*out == '\0') {
		/* Its stderr says why (e.g. `docker load` without a daemon). */
		err = trimmed_tail(&res.err, STDERR_TAIL);
		if (daemon_down(err))
			error = ecra_error_set(ECRA_EDOCKER,
			    "cannot reach the docker daemon (is it running? "
			    "check DOCKER_HOST): executable %s printed no "
			    "image "
			    "name: %s",
			    display.ptr, err);
		else if (*err != '\0')
			error = ecra_error_set(ECRA_EDOCKER,
			    "executable printed no image name: %s: %s",
			    display.ptr, err);
		else
			error = ecra_error_set(ECRA_EDOCKER,
			    "executable printed no image name: %s",
			    display.ptr);
		goto done;
	}
	if (strchr(out, '\n') != NULL || strchr(out, '\r') != NULL) {
		error = ecra_error_set(ECRA_EDOCKER,
		    "executable printed more than one line, expected one image "
		    "name: %s",
		    display.ptr);
		goto done;
	}
	if ((*image = ecra_strdup(out)) == NULL)
		error = ECRA_ENOMEM;
done:
	ecra_proc_result_dispose(&res);
	ecra_buf_dispose(&display);
	return error;
}
