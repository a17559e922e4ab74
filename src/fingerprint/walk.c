/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fingerprint/walk.c - the directory walk shared by fingerprint and copy.
 *
 * This is aws-cdk-lib's walkDirectory (spec synth.md §1.4, §1.5):
 * depth-first and pre-order, siblings sorted by UTF-16 code units,
 * canonical directories on the recursion stack skipped (cycles end
 * silently), special files skipped, and symlinks resolved lexically,
 * canonicalised through their parent only, then followed or reported
 * according to the follow mode.
 *
 * Three paths travel down the walk: the symbolic path (through link
 * names; only its part relative to the root is kept, for ignore queries
 * and hash keys), the real path (where to read; a followed link switches
 * it to the link's target) and the canonical path (for cycle checks).
 * Entry names are decoded as Node decodes them (invalid UTF-8 becomes
 * U+FFFD), so sorting and ignore matching see what aws-cdk-lib sees.
 */
#include "fingerprint/fingerprint.h"

#include <dirent.h>
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
#include "util/vec.h"

/* Directories kept open down the recursion stack. */
#define MAX_OPEN_DIRS 64

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* One directory entry. */
typedef struct {
	char *name;         /* decoded as UTF-8 (U+FFFD replacements) */
	bool is_bad_name;   /* the raw name was not valid UTF-8 */
	unsigned char type; /* DT_* */
} entry;

typedef struct {
	const ecra_fp_walk_options *opts;
	const ecra_fp_visitor *v;
	char *root; /* canonicalRoot: realpath(dir) or dir */
	size_t root_len;
	ecra_ignore *ig; /* created on first query */
	bool has_ig;     /* ig was created (or is not needed) */
	ecra_strvec ancestors;
	ecra_buf rel; /* symbolic path relative to opts->dir */
} walker;

static int walk_dir(walker *w, const char *real, const char *canon);

/*
 * Paths
 */

/* Append the normalised form of the absolute path `s` to `out`. */
static int normalize_into(ecra_buf *out, const char *s)
{
	size_t start = out->size, seg;
	const char *p = s, *e;
	int error;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != '/'; e++)
			;
		seg = (size_t)(e - p);
		if (seg == 1 && p[0] == '.') {
			/* nothing */
		} else if (seg == 2 && p[0] == '.' && p[1] == '.') {
			while (
			    out->size > start && out->ptr[out->size - 1] != '/')
				out->size--;
			if (out->size > start) {
				out->size--;
				out->ptr[out->size] = '\0';
			}
		} else if ((error = ecra_buf_putc(out, '/')) < 0 ||
		           (error = ecra_buf_put(out, p, seg)) < 0) {
			return error;
		}
		p = e;
	}
	if (out->size == start)
		return ecra_buf_putc(out, '/');
	return 0;
}

int ecra_fp_path_resolve(ecra_buf *out, const char *base, const char *p)
{
	ecra_buf tmp = ECRA_BUF_INIT(0);
	int error;

	if (p[0] == '/') {
		error = normalize_into(out, p);
	} else if ((error = ecra_buf_puts(&tmp, base)) < 0 ||
	           (error = ecra_buf_putc(&tmp, '/')) < 0 ||
	           (error = ecra_buf_puts(&tmp, p)) < 0) {
		/* error set */
	} else {
		error = normalize_into(out, tmp.ptr);
	}
	ecra_buf_dispose(&tmp);
	return error;
}

int ecra_fp_path_absolute(ecra_buf *out, const char *p)
{
	char cwd[PATH_MAX];

	if (p[0] == '/')
		return normalize_into(out, p);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return ecra_error_set_os(
		    ECRA_EIO, "cannot get the current directory");
	return ecra_fp_path_resolve(out, cwd, p);
}

/* Number of '/'-separated segments of a normalised absolute path. */
static size_t count_segments(const char *p)
{
	size_t n = 0;

	for (; *p != '\0'; p++)
		if (*p == '/' && p[1] != '\0')
			n++;
	return n;
}

int ecra_fp_path_relative(ecra_buf *out, const char *from, const char *to)
{
	size_t i = 0, common = 0, ups, k;
	const char *rest;
	int error;

	/* Longest common prefix that ends at a segment boundary. */
	for (;;) {
		bool fend = from[i] == '\0' || from[i] == '/';
		bool tend = to[i] == '\0' || to[i] == '/';

		if (fend && tend)
			common = i;
		if (from[i] == '\0' || to[i] == '\0' || from[i] != to[i])
			break;
		i++;
	}
	/* from="/" is a prefix of everything. */
	if (from[1] == '\0')
		common = 0;
	ups = count_segments(from + common);
	if (from[1] == '\0')
		ups = 0;
	rest = to + common;
	while (*rest == '/')
		rest++;
	for (k = 0; k < ups; k++) {
		if ((error = ecra_buf_puts(out, k == 0 ? ".." : "/..")) < 0)
			return error;
	}
	if (*rest != '\0') {
		if (ups > 0 && (error = ecra_buf_putc(out, '/')) < 0)
			return error;
		if ((error = ecra_buf_puts(out, rest)) < 0)
			return error;
	}
	if (out->ptr == NULL)
		return ecra_buf_puts(out, "");
	return 0;
}

char *ecra_fp_realpath(const char *p)
{
	char *r = realpath(p, NULL), *copy;

	if (r == NULL)
		return NULL;
	copy = ecra_strdup(r);
	free(r);
	if (copy == NULL)
		errno = ENOMEM;
	return copy;
}

/* realpath(p), or a copy of p when that fails. */
static char *realpath_or_self(const char *p)
{
	char *r = ecra_fp_realpath(p);

	if (r == NULL && errno != ENOMEM)
		return ecra_strdup(p);
	return r;
}

/* Append "a/b" (or "/b" when a is "/") to a cleared buffer. */
static int join(ecra_buf *out, const char *a, const char *b)
{
	int error;

	ecra_buf_clear(out);
	if ((error = ecra_buf_puts(out, a)) < 0)
		return error;
	if (b[0] == '\0')
		return 0;
	if (!(a[0] == '/' && a[1] == '\0') &&
	    (error = ecra_buf_putc(out, '/')) < 0)
		return error;
	if ((error = ecra_buf_puts(out, b)) < 0)
		return error;
	if (out->size >= PATH_MAX)
		return ecra_error_set(ECRA_EINVALID,
		    "path too long (%zu bytes, the limit is %d): '%.200s...'",
		    out->size, PATH_MAX - 1, out->ptr);
	return 0;
}

/*
 * Ignore queries
 */

static int ensure_ignore(walker *w)
{
	const ecra_fp_walk_options *o = w->opts;
	int error;

	if (w->has_ig)
		return 0;
	/* With no pattern GLOB and DOCKER never match; GIT still throws
	 * on dot-only names, so it always gets a matcher. */
	if (o->exclude_count > 0 || o->ignore_mode == ECRA_IGNORE_GIT) {
		error = ecra_ignore_new(
		    &w->ig, o->ignore_mode, o->exclude, o->exclude_count);
		if (error < 0)
			return error;
	}
	w->has_ig = true;
	return 0;
}

static int query(walker *w, bool *out, bool complete)
{
	const char *rel = w->rel.ptr;
	int error;

	*out = false;
	if ((error = ensure_ignore(w)) < 0)
		return error;
	if (w->ig == NULL)
		return 0;
	error = complete ? ecra_ignore_completely_ignores(out, w->ig, rel)
	                 : ecra_ignore_ignores(out, w->ig, rel);
	return error;
}

/*
 * Visits
 */

static int bad_name(walker *w)
{
	return ecra_error_set(ECRA_ENOTFOUND,
	    "cannot read '%s/%s': the file name is not valid UTF-8 "
	    "(aws-cdk-lib cannot read it either)",
	    w->opts->dir, w->rel.ptr);
}

/* `name` is `real` relative to the directory fd `dfd` (AT_FDCWD: the
 * real path itself). */
static int visit_file(walker *w, const char *real, int dfd, const char *name)
{
	bool ignored;
	int error;

	if ((error = query(w, &ignored, false)) < 0 || ignored)
		return error;
	if (w->v->on_file_at != NULL)
		return w->v->on_file_at(w->v->ctx, w->rel.ptr, real, dfd, name);
	return w->v->on_file(w->v->ctx, w->rel.ptr, real);
}

static int visit_directory(
    walker *w, const char *real, const char *canon, bool is_bad_name)
{
	bool ignored;
	int error;

	if ((error = query(w, &ignored, true)) < 0 || ignored)
		return error;
	if (w->v->on_directory != NULL) {
		if ((error = query(w, &ignored, false)) < 0)
			return error;
		if (!is_bad_name && (error = w->v->on_directory(w->v->ctx,
		                         w->rel.ptr, real, ignored)) < 0)
			return error;
	}
	if (is_bad_name)
		return bad_name(w);
	return walk_dir(w, real, canon);
}

static bool should_follow(ecra_follow_mode mode, bool is_internal)
{
	switch (mode) {
	case ECRA_FOLLOW_ALWAYS:
		return true;
	case ECRA_FOLLOW_EXTERNAL:
		return !is_internal;
	case ECRA_FOLLOW_BLOCK_EXTERNAL:
		return is_internal;
	case ECRA_FOLLOW_NEVER:
	default:
		return false;
	}
}

/* readlink() into `out`, decoded as Node decodes it. */
static int read_link(ecra_buf *out, const char *path)
{
	char stack[PATH_MAX];
	ssize_t n;

	n = readlink(path, stack, sizeof(stack));
	if (n < 0)
		return ecra_error_set_os(ecra_error_from_errno(errno),
		    "cannot read link '%s'", path);
	if ((size_t)n >= sizeof(stack))
		return ecra_error_set(
		    ECRA_EINVALID, "link target of '%s' is too long", path);
	ecra_buf_clear(out);
	if (n == 0)
		return ecra_buf_puts(out, "");
	return ecra_fp_utf8_sanitize(out, stack, (size_t)n);
}

/* §1.5 step 2: resolve lexically, then canonicalise the parent. */
static int canonical_target(
    ecra_buf *out, const char *parent_real, const char *text)
{
	ecra_buf lexical = ECRA_BUF_INIT(0);
	char *slash, *dir = NULL;
	const char *base;
	int error;

	if ((error = ecra_fp_path_resolve(&lexical, parent_real, text)) < 0)
		goto done;
	slash = strrchr(lexical.ptr, '/');
	base = slash + 1;
	if (slash == lexical.ptr)
		dir = realpath_or_self("/");
	else
		dir = (*slash = '\0', realpath_or_self(lexical.ptr));
	if (dir == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	error = join(out, dir, base);
done:
	ecra_free(dir);
	ecra_buf_dispose(&lexical);
	return error;
}

static int visit_symlink(walker *w, const char *real, const char *parent_real)
{
	ecra_buf text = ECRA_BUF_INIT(0), target = ECRA_BUF_INIT(0);
	ecra_fp_link link;
	struct stat st;
	bool is_internal, is_followed = false, ignored;
	char *canon = NULL;
	int error;

	if ((error = read_link(&text, real)) < 0 ||
	    (error = canonical_target(&target, parent_real, text.ptr)) < 0)
		goto done;
	is_internal = strcmp(target.ptr, w->root) == 0 ||
	              (strncmp(target.ptr, w->root, w->root_len) == 0 &&
	                  target.ptr[w->root_len] == '/');
	if (should_follow(w->opts->follow, is_internal))
		is_followed = stat(target.ptr, &st) == 0;
	if (!is_followed) {
		if ((error = query(w, &ignored, false)) < 0 || ignored)
			goto done;
		link.rel = w->rel.ptr;
		link.real = real;
		link.text = text.ptr;
		link.target = target.ptr;
		link.is_internal = is_internal;
		error = w->v->on_symlink(w->v->ctx, &link);
	} else if (S_ISDIR(st.st_mode)) {
		if ((canon = realpath_or_self(target.ptr)) == NULL) {
			error = ECRA_ENOMEM;
			goto done;
		}
		error = visit_directory(w, target.ptr, canon, false);
	} else if (S_ISREG(st.st_mode)) {
		error = visit_file(w, target.ptr, AT_FDCWD, target.ptr);
	} else {
		if ((error = query(w, &ignored, false)) < 0 || ignored)
			goto done;
		if (w->v->on_unsupported != NULL)
			error = w->v->on_unsupported(
			    w->v->ctx, w->rel.ptr, target.ptr);
	}
done:
	ecra_free(canon);
	ecra_buf_dispose(&text);
	ecra_buf_dispose(&target);
	return error;
}

/*
 * Directories
 */

static int compare_entries(const void *a, const void *b)
{
	const entry *x = a, *y = b;

	return ecra_fp_utf16_cmp(x->name, y->name);
}

static void free_entries(entry *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		ecra_free(list[i].name);
	ecra_free(list);
}

/* Read the entries of `dir` (at `real`; names decoded, types known),
 * sorted. */
static int read_entries(
    entry **out, size_t *count_out, DIR *dir, const char *real)
{
	ecra_buf name = ECRA_BUF_INIT(0);
	entry *list = NULL, *grown;
	size_t count = 0, alloc = 0, len;
	struct dirent *d;
	struct stat st;
	int error = 0;

	for (;;) {
		errno = 0;
		if ((d = readdir(dir)) == NULL) {
			if (errno != 0)
				error = ecra_error_set_os(ECRA_EIO,
				    "cannot read directory '%s'", real);
			break;
		}
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (count == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			grown = ecra_realloc(list, alloc * sizeof(*list));
			if (grown == NULL) {
				error = ECRA_ENOMEM;
				break;
			}
			list = grown;
		}
		len = strlen(d->d_name);
		ecra_buf_clear(&name);
		if ((error = ecra_fp_utf8_sanitize(&name, d->d_name, len)) < 0)
			break;
		list[count].is_bad_name =
		    ecra_fp_utf8_valid_prefix(
		        (const unsigned char *)d->d_name, len) != len;
		list[count].type = d->d_type;
		if (d->d_type == DT_UNKNOWN) {
			if (fstatat(dirfd(dir), d->d_name, &st,
			        AT_SYMLINK_NOFOLLOW) < 0)
				list[count].type = DT_UNKNOWN;
			else if (S_ISLNK(st.st_mode))
				list[count].type = DT_LNK;
			else if (S_ISDIR(st.st_mode))
				list[count].type = DT_DIR;
			else if (S_ISREG(st.st_mode))
				list[count].type = DT_REG;
		}
		if ((list[count].name = ecra_buf_detach(&name)) == NULL) {
			error = ECRA_ENOMEM;
			break;
		}
		count++;
	}
	if (error < 0)
		goto done;
	if (count > 1)
		qsort(list, count, sizeof(*list), compare_entries);
	*out = list;
	*count_out = count;
	list = NULL;
	count = 0;
done:
	free_entries(list, count);
	ecra_buf_dispose(&name);
	return error;
}

static bool is_ancestor(walker *w, const char *canon)
{
	size_t i;

	for (i = 0; i < w->ancestors.count; i++)
		if (strcmp(w->ancestors.items[i], canon) == 0)
			return true;
	return false;
}

static int visit_entry(walker *w, const entry *e, const char *real,
    const char *canon, int dfd, ecra_buf *child, ecra_buf *child_canon)
{
	int error;

	if (w->opts->cancel != NULL && *w->opts->cancel)
		return ecra_error_set(ECRA_EUSER, "cancelled");
	if ((error = join(child, real, e->name)) < 0)
		return error;
	switch (e->type) {
	case DT_LNK:
		if (e->is_bad_name)
			return bad_name(w);
		return visit_symlink(w, child->ptr, real);
	case DT_DIR:
		if ((error = join(child_canon, canon, e->name)) < 0)
			return error;
		return visit_directory(
		    w, child->ptr, child_canon->ptr, e->is_bad_name);
	case DT_REG:
		if (e->is_bad_name) {
			bool ignored;

			if ((error = query(w, &ignored, false)) < 0 || ignored)
				return error;
			return bad_name(w);
		}
		return visit_file(
		    w, child->ptr, dfd, dfd == AT_FDCWD ? child->ptr : e->name);
	default:
		return 0; /* FIFO, socket, device: skipped */
	}
}

static int walk_dir(walker *w, const char *real, const char *canon)
{
	ecra_buf child = ECRA_BUF_INIT(0), child_canon = ECRA_BUF_INIT(0);
	entry *list = NULL;
	size_t count = 0, i, rel_len = w->rel.size;
	DIR *dir = NULL;
	int error, fd = AT_FDCWD;

	if (is_ancestor(w, canon))
		return 0;
	if ((error = ecra_strvec_push(&w->ancestors, canon)) < 0)
		return error;
	if ((dir = opendir(real)) == NULL) {
		error = ecra_error_set_os(ecra_error_from_errno(errno),
		    "cannot read directory '%s'", real);
		goto done;
	}
	if ((error = read_entries(&list, &count, dir, real)) < 0)
		goto done;
	/* Files are opened relative to the directory (no full-path
	 * lookup each); deep trees give the descriptor back early. */
	if (w->ancestors.count <= MAX_OPEN_DIRS)
		fd = dirfd(dir);
	else {
		closedir(dir);
		dir = NULL;
	}
	for (i = 0; i < count; i++) {
		if ((rel_len > 0 &&
		        (error = ecra_buf_putc(&w->rel, '/')) < 0) ||
		    (error = ecra_buf_puts(&w->rel, list[i].name)) < 0)
			goto done;
		error = visit_entry(
		    w, &list[i], real, canon, fd, &child, &child_canon);
		ecra_buf_truncate(&w->rel, rel_len);
		if (error < 0)
			goto done;
	}
done:
	/* Pop this directory from the recursion stack. */
	w->ancestors.count--;
	ecra_free(w->ancestors.items[w->ancestors.count]);
	w->ancestors.items[w->ancestors.count] = NULL;
	if (dir != NULL) {
		if (fd != AT_FDCWD && w->v->on_dir_leave != NULL)
			w->v->on_dir_leave(w->v->ctx, fd);
		closedir(dir);
	}
	free_entries(list, count);
	ecra_buf_dispose(&child);
	ecra_buf_dispose(&child_canon);
	return error;
}

int ecra_fp_walk(const ecra_fp_walk_options *opts, const ecra_fp_visitor *v)
{
	walker w;
	char *canon = NULL;
	int error;

	memset(&w, 0, sizeof(w));
	w.opts = opts;
	w.v = v;
	w.ancestors = (ecra_strvec)ECRA_STRVEC_INIT;
	w.rel = (ecra_buf)ECRA_BUF_INIT(0);
	if ((w.root = realpath_or_self(opts->dir)) == NULL ||
	    (canon = ecra_strdup(w.root)) == NULL ||
	    (error = ecra_buf_puts(&w.rel, "")) < 0) {
		error = ECRA_ENOMEM;
		goto done;
	}
	w.root_len = strlen(w.root);
	error = walk_dir(&w, opts->dir, canon);
done:
	ecra_free(canon);
	ecra_free(w.root);
	ecra_ignore_free(w.ig);
	ecra_strvec_dispose(&w.ancestors);
	ecra_buf_dispose(&w.rel);
	return error;
}
