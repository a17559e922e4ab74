/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fingerprint/copy.c - copyDirectory() of aws-cdk-lib (asset staging).
 *
 * The same walk as the fingerprint (spec synth.md §3): directories that
 * are not ignored are created (even empty ones), files are copied from
 * their real path with their mode bits, links that are not followed are
 * recreated - internal ones rewritten relative to the copy, others with
 * their original text - and special files are skipped. Under
 * BLOCK_EXTERNAL an external link that is not followed is an error.
 */
#include "fingerprint/fingerprint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define COPY_BUF (1024 * 1024)

typedef struct {
	const char *src;  /* absolute, normalised */
	const char *dest; /* absolute, normalised */
	char *canon_src;  /* realpath(src) */
	ecra_follow_mode follow;
	ecra_buf path;      /* scratch: a destination path */
	ecra_buf text;      /* scratch: link text */
	unsigned char *buf; /* COPY_BUF bytes, allocated on first file */
} copier;

/* dest + "/" + rel into c->path. */
static int destination(copier *c, const char *rel)
{
	int error;

	ecra_buf_clear(&c->path);
	if ((error = ecra_buf_puts(&c->path, c->dest)) < 0)
		return error;
	if (rel[0] == '\0')
		return 0;
	if (!(c->dest[0] == '/' && c->dest[1] == '\0') &&
	    (error = ecra_buf_putc(&c->path, '/')) < 0)
		return error;
	return ecra_buf_puts(&c->path, rel);
}

/* mkdir -p of a path (modified in place and restored). */
static int mkdir_p(char *path)
{
	struct stat st;
	char *p;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			*p = '/';
			return ecra_error_set_os(ecra_error_from_errno(errno),
			    "cannot create directory '%s'", path);
		}
		*p = '/';
	}
	if (mkdir(path, 0777) < 0 && errno != EEXIST)
		return ecra_error_set_os(ecra_error_from_errno(errno),
		    "cannot create directory '%s'", path);
	return 0;
}

/* mkdir -p of the parent of c->path. */
static int mkdir_parent(copier *c)
{
	char *slash = strrchr(c->path.ptr, '/');
	int error;

	if (slash == NULL || slash == c->path.ptr)
		return 0;
	*slash = '\0';
	error = mkdir_p(c->path.ptr);
	*slash = '/';
	return error;
}

static int on_directory(
    void *ctx, const char *rel, const char *real, bool ignored)
{
	copier *c = ctx;
	int error;

	(void)real;
	if (ignored)
		return 0;
	if ((error = destination(c, rel)) < 0)
		return error;
	return mkdir_p(c->path.ptr);
}

static int write_all(int fd, const unsigned char *p, size_t n, const char *to)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return ecra_error_set_os(
			    ECRA_EIO, "cannot write '%s'", to);
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* copyFileSync: truncate or create `to`, keeping `from`'s mode bits. */
static int copy_file(copier *c, const char *from, const char *to)
{
	struct stat st;
	ssize_t r;
	int in = -1, out = -1, error = 0;

	if (c->buf == NULL && (c->buf = ecra_alloc(COPY_BUF)) == NULL)
		return ECRA_ENOMEM;
	if ((in = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) <
	    0) {
		error = ecra_error_set_os(
		    ecra_error_from_errno(errno), "cannot open '%s'", from);
		goto done;
	}
	if (fstat(in, &st) < 0) {
		error = ecra_error_set_os(ECRA_EIO, "cannot stat '%s'", from);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = ecra_error_set(ECRA_EUNSUPPORTED,
		    "cannot copy '%s': not a regular file", from);
		goto done;
	}
	out = open(
	    to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777);
	if (out < 0) {
		error = ecra_error_set_os(
		    ecra_error_from_errno(errno), "cannot create '%s'", to);
		goto done;
	}
	for (;;) {
		r = read(in, c->buf, COPY_BUF);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			error = ecra_error_set_os(
			    ECRA_EIO, "cannot read '%s'", from);
			goto done;
		}
		if (r == 0)
			break;
		if ((error = write_all(out, c->buf, (size_t)r, to)) < 0)
			goto done;
	}
	if (fchmod(out, st.st_mode & 07777) < 0) {
		error = ecra_error_set_os(ECRA_EIO, "cannot chmod '%s'", to);
		goto done;
	}
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && error == 0)
		error = ecra_error_set_os(ECRA_EIO, "cannot write '%s'", to);
	return error;
}

static int on_file(void *ctx, const char *rel, const char *real)
{
	copier *c = ctx;
	int error;

	if ((error = destination(c, rel)) < 0 || (error = mkdir_parent(c)) < 0)
		return error;
	return copy_file(c, real, c->path.ptr);
}

/* The text of the copied link: relative to the copy for internal
 * targets, else the original text. */
static int link_text(copier *c, const ecra_fp_link *link)
{
	ecra_buf copied = ECRA_BUF_INIT(0);
	size_t n = strlen(c->canon_src);
	const char *below;
	char *slash;
	int error;

	ecra_buf_clear(&c->text);
	if (!(strcmp(link->target, c->canon_src) == 0 ||
	        (strncmp(link->target, c->canon_src, n) == 0 &&
	            link->target[n] == '/')))
		return ecra_buf_puts(&c->text, link->text);
	below = link->target + n;
	if ((error = ecra_buf_puts(&copied, c->dest)) < 0 ||
	    (*below != '\0' && (error = ecra_buf_puts(&copied, below)) < 0))
		goto done;
	/* c->path holds the new link; relative to its directory. */
	slash = strrchr(c->path.ptr, '/');
	*slash = '\0';
	error = ecra_fp_path_relative(
	    &c->text, slash == c->path.ptr ? "/" : c->path.ptr, copied.ptr);
	*slash = '/';
	if (error == 0 && c->text.size == 0)
		error = ecra_buf_puts(&c->text, ".");
done:
	ecra_buf_dispose(&copied);
	return error;
}

/* aws-cdk-lib's message, verbatim (it names the canonical target). */
static int forbidden(const ecra_fp_link *link)
{
	return ecra_error_set(ECRA_EINVALID,
	    "The file %s is an external symbolic link which is forbidden due "
	    "to follow mode internal-only. Set `follow` to a mode that will "
	    "follow symlinks (ALWAYS or EXTERNAL) or emit a regular file",
	    link->target);
}

static int on_symlink(void *ctx, const ecra_fp_link *link)
{
	copier *c = ctx;
	int error;

	if (c->follow == ECRA_FOLLOW_BLOCK_EXTERNAL && !link->is_internal)
		return forbidden(link);
	if ((error = destination(c, link->rel)) < 0 ||
	    (error = mkdir_parent(c)) < 0 || (error = link_text(c, link)) < 0)
		return error;
	if (symlink(c->text.ptr, c->path.ptr) < 0)
		return ecra_error_set_os(ecra_error_from_errno(errno),
		    "cannot create link '%s'", c->path.ptr);
	return 0;
}

static int check_link(void *ctx, const ecra_fp_link *link)
{
	(void)ctx;
	return link->is_internal ? 0 : forbidden(link);
}

static int check_file(void *ctx, const char *rel, const char *real)
{
	(void)ctx;
	(void)rel;
	(void)real;
	return 0;
}

int ecra_fp_check_block_external(
    const char *dir, const ecra_fingerprint_options *opts)
{
	ecra_buf abs_dir = ECRA_BUF_INIT(0);
	ecra_fp_walk_options wo;
	ecra_fp_visitor v;
	int error;

	if ((error = ecra_fp_path_absolute(&abs_dir, dir)) < 0)
		goto done;
	memset(&wo, 0, sizeof(wo));
	wo.dir = abs_dir.ptr;
	wo.follow = ECRA_FOLLOW_BLOCK_EXTERNAL;
	wo.ignore_mode = opts->ignore_mode;
	wo.exclude = opts->exclude;
	wo.exclude_count = opts->exclude_count;
	wo.cancel = opts->cancel;
	memset(&v, 0, sizeof(v));
	v.on_file = check_file;
	v.on_symlink = check_link;
	error = ecra_fp_walk(&wo, &v);
done:
	ecra_buf_dispose(&abs_dir);
	return error;
}

int ecra_fingerprint_copy_directory(
    const char *src, const char *dest, const ecra_fingerprint_options *opts)
{
	ecra_fingerprint_options defaults = ECRA_FINGERPRINT_OPTIONS_INIT;
	ecra_buf abs_src = ECRA_BUF_INIT(0), abs_dest = ECRA_BUF_INIT(0);
	ecra_fp_walk_options wo;
	ecra_fp_visitor v;
	copier c;
	struct stat st;
	int error;

	ECRA_ASSERT_ARG(src);
	ECRA_ASSERT_ARG(dest);
	ECRA_CHECK_VERSION(
	    opts, ECRA_FINGERPRINT_OPTIONS_VERSION, ecra_fingerprint_options);
	if (opts == NULL)
		opts = &defaults;
	if (ecra_follow_mode_name(opts->follow) == NULL)
		return ecra_error_set(
		    ECRA_EINVALID, "unknown follow mode %d", (int)opts->follow);
	if (opts->exclude_count > 0)
		ECRA_ASSERT_ARG(opts->exclude);
	memset(&c, 0, sizeof(c));
	c.path = (ecra_buf)ECRA_BUF_INIT(0);
	c.text = (ecra_buf)ECRA_BUF_INIT(0);

	if (stat(src, &st) < 0) {
		error = ecra_error_set_os(
		    ecra_error_from_errno(errno), "cannot copy '%s'", src);
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		error = ecra_error_set(
		    ECRA_EINVALID, "'%s' is not a directory", src);
		goto done;
	}
	if ((error = ecra_fp_path_absolute(&abs_src, src)) < 0 ||
	    (error = ecra_fp_path_absolute(&abs_dest, dest)) < 0)
		goto done;
	if ((c.canon_src = ecra_fp_realpath(abs_src.ptr)) == NULL) {
		error = ecra_error_set_os(
		    ecra_error_from_errno(errno), "cannot resolve '%s'", src);
		goto done;
	}
	c.src = abs_src.ptr;
	c.dest = abs_dest.ptr;
	c.follow = opts->follow;

	memset(&wo, 0, sizeof(wo));
	wo.dir = abs_src.ptr;
	wo.follow = opts->follow;
	wo.ignore_mode = opts->ignore_mode;
	wo.exclude = opts->exclude;
	wo.exclude_count = opts->exclude_count;
	wo.cancel = opts->cancel;
	memset(&v, 0, sizeof(v));
	v.on_directory = on_directory;
	v.on_file = on_file;
	v.on_symlink = on_symlink;
	v.ctx = &c;
	error = ecra_fp_walk(&wo, &v);
done:
	ecra_free(c.canon_src);
	ecra_free(c.buf);
	ecra_buf_dispose(&c.path);
	ecra_buf_dispose(&c.text);
	ecra_buf_dispose(&abs_src);
	ecra_buf_dispose(&abs_dest);
	return error;
}
