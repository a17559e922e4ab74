/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/synth.c - write the cloud assembly atomically, never removing
 * what this library did not write.
 *
 * Everything is written into "<outdir>.tmp-XXXXXX" next to the outdir.
 * Staged asset directories that already exist in the previous assembly
 * are reused (moved across at commit time, as aws-cdk-lib skips copying
 * an existing asset.<hash>); new ones are copied with the fingerprint's
 * walk. Only when every file is written is the new directory swapped in
 * (renameat2 RENAME_EXCHANGE where available) and the old one removed.
 * On failure or cancellation the temporary directory is removed and the
 * previous assembly is untouched.
 *
 * aws-cdk-lib writes into its outdir and never deletes it; replacing the
 * outdir as a whole is only safe when it is ours to replace, so before
 * anything is written the outdir must be absent, an empty directory or a
 * cloud assembly (a manifest.json with a string "version", as ours and
 * aws-cdk-lib's have); a file, a symbolic link, any other directory, the
 * filesystem root and a directory holding a build context, the app file
 * or the working directory are refused.
 *
 * Temporary directories hold a marker file (ECRA_SYNTH_TMP_MARKER, with
 * the owning pid) until the rename, so a directory left by a crash is
 * recognisable: owned by us, named "<name>.tmp-XXXXXX", holding the
 * marker of a process that is gone. Such directories are never hashed or
 * staged (ecra_assembly_exclude_stale) and the next synth into the same
 * outdir removes them (ecra_synth_remove_stale).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define OOM() ecra_error_set(ECRA_ENOMEM, "out of memory")

int ecra_assembly_write_json(
    const char *dir, const char *name, const ecra_json *v, unsigned indent)
{
	ecra_buf text = ECRA_BUF_INIT(0), path = ECRA_BUF_INIT(0);
	FILE *f = NULL;
	int rc;

	if ((rc = ecra_json_write(&text, v, indent)) < 0)
		goto done;
	if (ecra_buf_printf(&path, "%s/%s", dir, name) < 0) {
		rc = OOM();
		goto done;
	}
	f = fopen(path.ptr, "wb");
	if (f == NULL) {
		rc = ecra_error_set_os(ECRA_EIO, "creating '%s'", path.ptr);
		goto done;
	}
	if ((text.size && fwrite(text.ptr, 1, text.size, f) != text.size) ||
	    fclose(f) != 0) {
		f = NULL;
		rc = ecra_error_set_os(ECRA_EIO, "writing '%s'", path.ptr);
		goto done;
	}
	f = NULL;
	rc = 0;
done:
	if (f)
		fclose(f);
	ecra_buf_dispose(&text);
	ecra_buf_dispose(&path);
	return rc;
}

static int rm_entry(
    const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(p) == 0 || errno == ENOENT ? 0 : -1;
	return unlink(p) == 0 || errno == ENOENT ? 0 : -1;
}

static int remove_tree(const char *dir)
{
	if (nftw(dir, rm_entry, 32, FTW_DEPTH | FTW_PHYS) != 0 &&
	    errno != ENOENT)
		return ecra_error_set_os(ECRA_EIO, "removing '%s'", dir);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Temporary assemblies: named, marked, recognised                      */
/* ------------------------------------------------------------------ */

/* "<name>.tmp-XXXXXX", the shape mkdtemp() gives "<outdir>.tmp-XXXXXX". */
static bool is_tmp_name(const char *name)
{
	size_t n = strlen(name), i;

	if (n < 12 || memcmp(name + n - 11, ".tmp-", 5) != 0)
		return false;
	for (i = n - 6; i < n; i++)
		if (!isalnum((unsigned char)name[i]))
			return false;
	return true;
}

/* Whether `dir` is a temporary assembly: a real directory holding our
 * marker file; its pid and owner are returned. */
static bool read_marker(const char *dir, long *pid, uid_t *uid)
{
	ecra_buf path = ECRA_BUF_INIT(0);
	struct stat st, dst;
	char text[64];
	ssize_t n;
	int fd = -1;
	bool ok = false;

	if (lstat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode) ||
	    ecra_buf_printf(&path, "%s/%s", dir, ECRA_SYNTH_TMP_MARKER) < 0)
		goto done;
	fd = open(path.ptr, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto done;
	n = read(fd, text, sizeof(text) - 1);
	if (n <= 0)
		goto done;
	text[n] = '\0';
	ok = sscanf(text, "ecr-assets synth pid %ld", pid) == 1;
	*uid = dst.st_uid;
done:
	if (fd >= 0)
		close(fd);
	ecra_buf_dispose(&path);
	return ok;
}

/* Create "<outdir>.tmp-XXXXXX" with its marker; `out` gets its path. */
static int make_tmp(ecra_buf *out, const char *outdir)
{
	ecra_buf marker = ECRA_BUF_INIT(0);
	char text[64];
	int fd, rc = 0, len;

	ecra_buf_clear(out);
	if (ecra_buf_printf(out, "%s.tmp-XXXXXX", outdir) < 0)
		return OOM();
	if (mkdtemp(out->ptr) == NULL)
		return ecra_error_set_os(
		    ECRA_EIO, "creating a directory next to '%s'", outdir);
	(void)chmod(out->ptr, 0755);
	if (ecra_buf_printf(&marker, "%s/%s", out->ptr, ECRA_SYNTH_TMP_MARKER) <
	    0) {
		rc = OOM();
		goto fail;
	}
	len = snprintf(
	    text, sizeof(text), "ecr-assets synth pid %ld\n", (long)getpid());
	fd = open(marker.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, (size_t)len) != len) {
		rc = ecra_error_set_os(ECRA_EIO, "creating '%s'", marker.ptr);
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		rc = ecra_error_set_os(ECRA_EIO, "writing '%s'", marker.ptr);
		goto fail;
	}
	ecra_buf_dispose(&marker);
	return 0;
fail:
	if (marker.ptr != NULL)
		(void)unlink(marker.ptr);
	(void)rmdir(out->ptr);
	ecra_buf_dispose(&marker);
	return rc;
}

/* A pattern that every ignore mode reads literally. */
static bool is_literal_pattern(const char *s)
{
	return *s != '\0' && strpbrk(s, "*?[]{}\\!#") == NULL &&
	       !isspace((unsigned char)s[strlen(s) - 1]);
}

/* Scan one directory `scan` (inside the context `dir`) for temporary
 * assemblies and exclude each by its path relative to `dir`. */
static int exclude_tmp_in(
    ecra_strvec *exclude, const char *dir, const char *scan)
{
	ecra_buf full = ECRA_BUF_INIT(0);
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if ((d = opendir(scan)) == NULL)
		return 0; /* nothing to exclude from what cannot be read */
	while ((e = readdir(d)) != NULL) {
		char *rel;
		long pid;
		uid_t uid;

		if (!is_tmp_name(e->d_name))
			continue;
		ecra_buf_clear(&full);
		if (ecra_buf_printf(&full, "%s/%s", scan, e->d_name) < 0) {
			rc = OOM();
			break;
		}
		if (!read_marker(full.ptr, &pid, &uid))
			continue;
		if ((rel = ecra_path_relative(dir, full.ptr)) == NULL) {
			rc = OOM();
			break;
		}
		if (is_literal_pattern(rel) && strncmp(rel, "..", 2) != 0)
			rc = ecra_strvec_push(exclude, rel);
		ecra_free(rel);
		if (rc < 0)
			break;
	}
	closedir(d);
	ecra_buf_dispose(&full);
	return rc;
}

int ecra_assembly_exclude_tmp(
    ecra_strvec *exclude, const char *dir, const ecra_app *app)
{
	char *root = NULL, *outdir = NULL, *slash;
	int rc = 0;

	if ((root = ecra_path_resolve(dir)) == NULL ||
	    (outdir = ecra_path_resolve(app->outdir_fs)) == NULL) {
		rc = OOM();
		goto done;
	}
	if ((rc = exclude_tmp_in(exclude, root, root)) < 0)
		goto done;
	slash = strrchr(outdir, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (*outdir == '\0')
			strcpy(outdir, "/");
		if (strcmp(outdir, root) != 0 && ecra_path_within(outdir, root))
			rc = exclude_tmp_in(exclude, root, outdir);
	}
done:
	ecra_free(root);
	ecra_free(outdir);
	return rc;
}

int ecra_app_remove_stale(const char *outdir, size_t *removed)
{
	ecra_buf full = ECRA_BUF_INIT(0);
	char *abs = NULL, *slash;
	const char *parent, *base;
	struct dirent *e;
	size_t base_len, count = 0;
	DIR *d = NULL;
	int rc = 0;

	if (removed != NULL)
		*removed = 0;
	ECRA_ASSERT_ARG(outdir);
	if ((abs = ecra_path_resolve(outdir)) == NULL)
		return OOM();
	slash = strrchr(abs, '/');
	*slash = '\0';
	parent = slash == abs ? "/" : abs;
	base = slash + 1;
	base_len = strlen(base);
	if ((d = opendir(parent)) == NULL)
		goto done; /* no parent: nothing was left there */
	while ((e = readdir(d)) != NULL) {
		long pid;
		uid_t uid;

		if (strncmp(e->d_name, base, base_len) != 0 ||
		    strlen(e->d_name) != base_len + 11 ||
		    !is_tmp_name(e->d_name))
			continue;
		ecra_buf_clear(&full);
		if (ecra_buf_printf(&full, "%s/%s",
		        strcmp(parent, "/") == 0 ? "" : parent,
		        e->d_name) < 0) {
			rc = OOM();
			break;
		}
		if (!read_marker(full.ptr, &pid, &uid) || uid != geteuid() ||
		    pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if ((rc = remove_tree(full.ptr)) < 0)
			break;
		count++;
	}
done:
	if (d != NULL)
		closedir(d);
	if (removed != NULL)
		*removed = count;
	ecra_buf_dispose(&full);
	ecra_free(abs);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The outdir must be ours to replace                                   */
/* ------------------------------------------------------------------ */

/* The absolute path of `p` with symbolic links resolved as far as `p`
 * exists (its parent for a new outdir), else the lexical one. */
static char *real_path(const char *p)
{
	char *lex, *r, *slash, *res = NULL;
	ecra_buf b = ECRA_BUF_INIT(0);

	if ((r = realpath(p, NULL)) != NULL) {
		res = ecra_strdup(r);
		free(r);
		return res;
	}
	if ((lex = ecra_path_resolve(p)) == NULL)
		return NULL;
	slash = strrchr(lex, '/');
	if (slash != NULL && slash != lex) {
		*slash = '\0';
		if ((r = realpath(lex, NULL)) != NULL) {
			if (ecra_buf_printf(&b, "%s/%s",
			        strcmp(r, "/") == 0 ? "" : r, slash + 1) >= 0)
				res = ecra_buf_detach(&b);
			free(r);
			ecra_buf_dispose(&b);
			if (res != NULL) {
				ecra_free(lex);
				return res;
			}
		}
		*slash = '/';
	}
	return lex;
}

/* A manifest.json that aws-cdk-lib or this library wrote: an object
 * with a string "version". */
static bool is_assembly(const char *dir)
{
	ecra_buf path = ECRA_BUF_INIT(0);
	ecra_json *doc = NULL;
	struct stat st;
	bool ok = false;

	if (ecra_buf_printf(&path, "%s/manifest.json", dir) >= 0 &&
	    lstat(path.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
	    ecra_json_load_file(&doc, path.ptr, 0, 0) == 0)
		ok = ecra_json_typeof(doc) == ECRA_JSON_OBJECT &&
		     ecra_json_string(ecra_json_get(doc, "version")) != NULL;
	ecra_json_free(doc);
	ecra_buf_dispose(&path);
	ecra_error_clear();
	return ok;
}

/* The lock files the CDK CLI (toolkit-lib's RWLock) keeps in the outdir
 * while an app runs: "synth.lock" and "read.<pid>.<n>.lock". */
static bool is_cdk_lock(const char *name)
{
	size_t n = strlen(name);

	return strcmp(name, "synth.lock") == 0 ||
	       (strncmp(name, "read.", 5) == 0 && n > 10 &&
	           strcmp(name + n - 5, ".lock") == 0);
}

/* Empty, or holding nothing but the CDK CLI's locks (an app that uses
 * this library, run by `cdk synth`, finds its outdir so). */
static bool is_empty_dir(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	bool empty = true;

	if (d == NULL)
		return false;
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 ||
		        strcmp(e->d_name, "..") == 0 || is_cdk_lock(e->d_name);
	closedir(d);
	return empty;
}

/* Refuse when the outdir `abs` is `what` or above it. */
static int refuse_above(
    const ecra_app *app, const char *abs, const char *what, const char *kind)
{
	char *real = real_path(what);
	int rc = 0;

	if (real == NULL)
		return OOM();
	if (ecra_path_within(real, abs))
		rc = ecra_error_set(ECRA_EINVALID,
		    "output directory '%s' %s %s '%s'; synth replaces the "
		    "output directory as a whole: choose a directory of its "
		    "own such as 'cdk.out'",
		    app->outdir, strcmp(real, abs) == 0 ? "is" : "contains",
		    kind, what);
	ecra_free(real);
	return rc;
}

static int check_outdir(const ecra_app *app)
{
	char *abs = real_path(app->outdir_fs);
	const char *base = ecra_path_basename(app->outdir_fs);
	struct stat st;
	size_t i, j;
	int rc = 0;

	if (abs == NULL)
		return OOM();
	if (strcmp(abs, "/") == 0 || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0 || *base == '\0') {
		rc = ecra_error_set(ECRA_EINVALID,
		    "outdir '%s' cannot be replaced as a whole; use a "
		    "directory of its own such as 'cdk.out'",
		    app->outdir);
		goto done;
	}
	if (lstat(app->outdir_fs, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			rc = ecra_error_set(ECRA_EINVALID,
			    "output directory '%s' is a symbolic link; give "
			    "the directory itself",
			    app->outdir);
			goto done;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc = ecra_error_set(ECRA_EINVALID,
			    "output directory '%s' exists and is not a "
			    "directory",
			    app->outdir);
			goto done;
		}
	} else if (errno != ENOENT && errno != ENOTDIR) {
		rc = ecra_error_set_os(ECRA_EIO, "reading '%s'", app->outdir);
		goto done;
	}
	if ((rc = refuse_above(app, abs, ".", "the working directory")) < 0 ||
	    (app->app_dir != NULL &&
	        (rc = refuse_above(app, abs, app->app_dir,
	             "the directory of the app file")) < 0))
		goto done;
	for (i = 0; i < app->stack_count; i++) {
		const ecra_stack *s = app->stacks[i];

		for (j = 0; j < s->asset_count; j++) {
			const ecra_image_asset *a = s->assets[j];

			if ((rc = refuse_above(app, abs, a->source_path,
			         a->kind == ECRA_IMAGE_ASSET_DOCKER
			             ? "the build context"
			             : "the tarball")) < 0)
				goto done;
		}
	}
	if (lstat(app->outdir_fs, &st) == 0 && !is_empty_dir(app->outdir_fs) &&
	    !is_assembly(app->outdir_fs))
		rc = ecra_error_set(ECRA_EINVALID,
		    "output directory '%s' exists and is not a cloud assembly "
		    "(no manifest.json); synth replaces it as a whole, so it "
		    "must be empty or an assembly: remove it or choose "
		    "another directory",
		    app->outdir);
done:
	ecra_free(abs);
	return rc;
}

static int mkdir_p(const char *dir)
{
	char *p = ecra_strdup(dir), *s;
	int rc = 0;

	if (p == NULL)
		return OOM();
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			rc = ecra_error_set_os(ECRA_EIO, "creating '%s'", p);
			goto done;
		}
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		rc = ecra_error_set_os(ECRA_EIO, "creating '%s'", p);
done:
	ecra_free(p);
	return rc;
}

static int copy_file(const char *src, const char *dest)
{
	char buf[65536];
	struct stat st;
	int in = -1, out = -1, rc = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) != 0) {
		rc = ecra_error_set_os(
		    errno == ENOENT ? ECRA_ENOTFOUND : ECRA_EIO, "opening '%s'",
		    src);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ecra_error_set(ECRA_EINVALID,
		    "Asset %s is expected to be either a directory or a "
		    "regular "
		    "file",
		    src);
		goto done;
	}
	out = open(
	    dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777);
	if (out < 0) {
		rc = ecra_error_set_os(ECRA_EIO, "creating '%s'", dest);
		goto done;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = ecra_error_set_os(ECRA_EIO, "reading '%s'", src);
			goto done;
		}
		if (write(out, buf, (size_t)n) != n) {
			rc = ecra_error_set_os(ECRA_EIO, "writing '%s'", dest);
			goto done;
		}
	}
	if (fchmod(out, st.st_mode & 07777) != 0) {
		rc = ecra_error_set_os(ECRA_EIO, "chmod '%s'", dest);
		goto done;
	}
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = ecra_error_set_os(ECRA_EIO, "writing '%s'", dest);
	return rc;
}

/* Copy a docker context as aws-cdk-lib's copyDirectory does; the
 * temporary assembly is excluded when it lives inside the context. */
static int stage_directory(
    const ecra_image_asset *a, const char *dest, const char *tmp)
{
	ecra_fingerprint_options fo = ECRA_FINGERPRINT_OPTIONS_INIT;
	ecra_strvec ex = ECRA_STRVEC_INIT;
	char *rel = NULL;
	size_t i;
	int rc;

	for (i = 0; i < a->exclude.count; i++)
		if ((rc = ecra_strvec_push(&ex, a->exclude.items[i])) < 0)
			goto done;
	rel = ecra_path_relative(a->source_path, tmp);
	if (rel == NULL) {
		rc = OOM();
		goto done;
	}
	if (strncmp(rel, "..", 2) != 0 && rel[0] != '/' && rel[0] != '\0' &&
	    (rc = ecra_strvec_push(&ex, rel)) < 0)
		goto done;
	if (mkdir(dest, 0777) != 0) {
		rc = ecra_error_set_os(ECRA_EIO, "creating '%s'", dest);
		goto done;
	}
	fo.exclude = (const char *const *)ex.items;
	fo.exclude_count = ex.count;
	fo.ignore_mode = a->ignore_mode;
	fo.follow = a->follow;
	fo.threads = a->stack->app->threads;
	fo.cancel = a->stack->app->cancel;
	rc = ecra_fingerprint_copy_directory(a->source_path, dest, &fo);
	if (rc < 0)
		ecra_error_wrap("staging '%s'", a->path);
done:
	ecra_strvec_dispose(&ex);
	ecra_free(rel);
	return rc;
}

/* Stage every asset into tmp; names of directories to take over from the
 * previous assembly are collected in `reuse`. */
static int stage_assets(ecra_app *app, const char *tmp, ecra_strvec *reuse)
{
	ecra_buf dest = ECRA_BUF_INIT(0), old = ECRA_BUF_INIT(0);
	size_t i, j, k;
	struct stat st;
	int rc = 0;

	for (i = 0; i < app->stack_count; i++) {
		const ecra_stack *s = app->stacks[i];

		for (j = 0; j < s->asset_count; j++) {
			const ecra_image_asset *a = s->assets[j];
			bool seen = a->staging_disabled;

			for (k = 0; k < reuse->count && !seen; k++)
				seen = strcmp(reuse->items[k],
				           a->staged_path) == 0;
			ecra_buf_clear(&dest);
			ecra_buf_clear(&old);
			if (ecra_buf_printf(
			        &dest, "%s/%s", tmp, a->staged_path) < 0 ||
			    ecra_buf_printf(&old, "%s/%s", app->outdir_fs,
			        a->staged_path) < 0) {
				rc = OOM();
				goto done;
			}
			if (seen || lstat(dest.ptr, &st) == 0)
				continue;
			if (app->cancel != NULL && *app->cancel) {
				rc = ecra_error_set(ECRA_EUSER, "cancelled");
				goto done;
			}
			if (lstat(old.ptr, &st) == 0) {
				if ((rc = ecra_strvec_push(
				         reuse, a->staged_path)) < 0)
					goto done;
				continue;
			}
			if (a->kind == ECRA_IMAGE_ASSET_DOCKER)
				rc = stage_directory(a, dest.ptr, tmp);
			else
				rc = copy_file(a->source_path, dest.ptr);
			if (rc < 0)
				goto done;
		}
	}
done:
	ecra_buf_dispose(&dest);
	ecra_buf_dispose(&old);
	return rc;
}

static int write_stack(ecra_app *app, ecra_tnode *root, ecra_stack *s,
    const char *tmp, ecra_json *artifacts, bool *no_resources)
{
	ecra_tnode *sn = ecra_assembly_tree_stack(root, s);
	ecra_json *tmpl = NULL, *am = NULL, *meta = NULL;
	ecra_buf text = ECRA_BUF_INIT(0), name = ECRA_BUF_INIT(0);
	char hash[65];
	int rc;

	(void)app;
	if ((rc = ecra_assembly_template(&tmpl, sn, s)) < 0)
		goto done;
	*no_resources = ecra_json_size(ecra_json_get(tmpl, "Resources")) == 0;
	if ((rc = ecra_json_write(&text, tmpl, 1)) < 0)
		goto done;
	if ((rc = ecra_assembly_sha256_hex(hash, text.ptr, text.size)) < 0)
		goto done;
	if (ecra_buf_printf(&name, "%s.template.json", s->id) < 0) {
		rc = OOM();
		goto done;
	}
	if ((rc = ecra_assembly_write_json(tmp, name.ptr, tmpl, 1)) < 0)
		goto done;
	if ((rc = ecra_assembly_asset_manifest(&am, s, hash)) < 0)
		goto done;
	ecra_buf_clear(&name);
	if (ecra_buf_printf(&name, "%s.assets.json", s->id) < 0) {
		rc = OOM();
		goto done;
	}
	if ((rc = ecra_assembly_write_json(tmp, name.ptr, am, 2)) < 0)
		goto done;
	if ((rc = ecra_assembly_stack_metadata(&meta, sn)) < 0)
		goto done;
	if (ecra_json_size(meta) > 0) {
		ecra_buf_clear(&name);
		if (ecra_buf_printf(&name, "%s.metadata.json", s->id) < 0) {
			rc = OOM();
			goto done;
		}
		if ((rc = ecra_assembly_write_json(tmp, name.ptr, meta, 2)) < 0)
			goto done;
	}
	rc = ecra_assembly_stack_artifacts(
	    artifacts, s, hash, ecra_json_size(meta) > 0);
done:
	ecra_json_free(tmpl);
	ecra_json_free(am);
	ecra_json_free(meta);
	ecra_buf_dispose(&text);
	ecra_buf_dispose(&name);
	return rc;
}

/*
 * The built-in CloudFormation validation (validation-report.json): of its
 * rules only F0001 can fire on the templates this library writes, for a
 * stack without resources; it is reported as one warning listing the
 * stacks.
 */
static int add_violation(ecra_json *list, const ecra_stack *s)
{
	ecra_json *c = ecra_json_object();

	if (c == NULL || ecra_json_set_str(c, "constructPath", s->id) < 0 ||
	    ecra_json_set_str(c, "constructFqn", "aws-cdk-lib.Stack") < 0 ||
	    ecra_json_set_str(c, "libraryVersion", ECRA_CDK_VERSION) < 0 ||
	    ecra_json_push_new(list, c) < 0) {
		return OOM();
	}
	ecra_assembly_warn(s->app,
	    "Resources section must exist and be non-empty (CloudFormation "
	    "Validate): %s",
	    s->id);
	return 0;
}

static ecra_json *plugin_reports(ecra_json *violating)
{
	ecra_json *reports = ecra_json_array(), *r = NULL, *vs = NULL;
	ecra_json *v = NULL, *meta = NULL;

	if (reports == NULL || ecra_json_size(violating) == 0)
		return reports;
	r = ecra_json_object();
	vs = ecra_json_array();
	v = ecra_json_object();
	meta = ecra_json_object();
	if (r == NULL || vs == NULL || v == NULL || meta == NULL ||
	    ecra_json_set_str(r, "pluginName", "CloudFormation Validate") < 0 ||
	    ecra_json_set_str(r, "pluginVersion", "1.14.0") < 0 ||
	    ecra_json_set_str(r, "conclusion", "success") < 0 ||
	    ecra_json_set_str(v, "ruleName", "F0001") < 0 ||
	    ecra_json_set_str(v, "description",
	        "Resources section must exist and be non-empty") < 0 ||
	    ecra_json_set_str(v, "severity", "warning") < 0 ||
	    ecra_json_set_str(meta, "category", "Structure") < 0 ||
	    ecra_json_set(v, "ruleMetadata", meta) < 0 ||
	    ecra_json_set(v, "violatingConstructs", violating) < 0 ||
	    ecra_json_push(vs, v) < 0 ||
	    ecra_json_set(r, "violations", vs) < 0 ||
	    ecra_json_push(reports, r) < 0) {
		ecra_json_free(reports);
		reports = NULL;
	}
	ecra_json_free(r);
	ecra_json_free(vs);
	ecra_json_free(v);
	ecra_json_free(meta);
	return reports;
}

static int cmp_stack_id(const void *a, const void *b)
{
	return strcmp(
	    (*(ecra_stack *const *)a)->id, (*(ecra_stack *const *)b)->id);
}

static int write_assembly(ecra_app *app, const char *tmp)
{
	ecra_tnode *root = NULL;
	ecra_json *artifacts = NULL, *manifest = NULL, *tree = NULL;
	ecra_json *v = NULL, *report = NULL, *violating = NULL;
	ecra_stack **empty = NULL;
	size_t i, empty_count = 0;
	int rc;

	if ((rc = ecra_assembly_build_tree(&root, app)) < 0)
		return rc;
	artifacts = ecra_json_object();
	manifest = ecra_json_object();
	if (artifacts == NULL || manifest == NULL) {
		rc = OOM();
		goto done;
	}
	violating = ecra_json_array();
	if (violating == NULL) {
		rc = OOM();
		goto done;
	}
	empty = ecra_calloc(app->stack_count + 1, sizeof(*empty));
	if (empty == NULL) {
		rc = OOM();
		goto done;
	}
	for (i = 0; i < app->stack_count; i++) {
		bool no_resources = false;

		if ((rc = write_stack(app, root, app->stacks[i], tmp, artifacts,
		         &no_resources)) < 0)
			goto done;
		if (no_resources)
			empty[empty_count++] = app->stacks[i];
	}
	/* The validation walks the assembly's stacks, which cx-api sorts
	 * by artifact id. */
	qsort(empty, empty_count, sizeof(*empty), cmp_stack_id);
	for (i = 0; i < empty_count; i++)
		if ((rc = add_violation(violating, empty[i])) < 0)
			goto done;
	if ((rc = ecra_assembly_tree(&tree, root)) < 0 ||
	    (rc = ecra_assembly_write_json(tmp, "tree.json", tree, 0)) < 0)
		goto done;
	{
		ecra_json *t = ecra_json_object(), *tp = ecra_json_object();

		if (t == NULL || tp == NULL ||
		    ecra_json_set_str(t, "type", "cdk:tree") < 0 ||
		    ecra_json_set_str(tp, "file", "tree.json") < 0 ||
		    ecra_json_set_new(t, "properties", tp) < 0 ||
		    ecra_json_set_new(artifacts, "Tree", t) < 0) {
			if (t == NULL ||
			    ecra_json_get(artifacts, "Tree") != t) {
				ecra_json_free(t);
			}
			rc = OOM();
			goto done;
		}
	}
	if ((rc = ecra_assembly_flag_report(&report, app)) < 0)
		goto done;
	if (ecra_json_set_new(
	        artifacts, "aws-cdk-lib/feature-flag-report", report) < 0) {
		report = NULL;
		rc = OOM();
		goto done;
	}
	report = NULL;
	if (ecra_json_set_str(manifest, "version", ECRA_SCHEMA_VERSION) < 0 ||
	    ecra_json_set(manifest, "artifacts", artifacts) < 0 ||
	    ecra_json_set_str(
	        manifest, "minimumCliVersion", ECRA_MIN_CLI_VERSION) < 0) {
		rc = OOM();
		goto done;
	}
	if ((rc = ecra_assembly_write_json(tmp, "manifest.json", manifest, 2)) <
	    0)
		goto done;
	v = ecra_json_object();
	if (v == NULL ||
	    ecra_json_set_str(v, "version", ECRA_SCHEMA_VERSION) < 0) {
		rc = OOM();
		goto done;
	}
	if ((rc = ecra_assembly_write_json(tmp, "cdk.out", v, 0)) < 0)
		goto done;
	if (ecra_json_set_str(v, "title", "Validation Report") < 0 ||
	    ecra_json_set_new(v, "pluginReports", plugin_reports(violating)) <
	        0) {
		rc = OOM();
		goto done;
	}
	rc = ecra_assembly_write_json(tmp, "validation-report.json", v, 2);
done:
	ecra_assembly_tree_free(root);
	ecra_json_free(artifacts);
	ecra_json_free(manifest);
	ecra_json_free(tree);
	ecra_json_free(v);
	ecra_json_free(report);
	ecra_json_free(violating);
	ecra_free(empty);
	return rc;
}

/* Swap two directory entries atomically when the kernel allows it. */
static int exchange(const char *a, const char *b)
{
#ifdef SYS_renameat2
	if (syscall(
	        SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* EXCHANGE */) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -1;
#endif
	errno = ENOSYS;
	return -1;
}

static int commit(ecra_app *app, const char *tmp, const ecra_strvec *reuse)
{
	ecra_buf from = ECRA_BUF_INIT(0), to = ECRA_BUF_INIT(0);
	ecra_buf old = ECRA_BUF_INIT(0), holder = ECRA_BUF_INIT(0);
	struct stat st;
	size_t i, moved = 0;
	int rc = 0;

	ecra_buf_clear(&from);
	if (ecra_buf_printf(&from, "%s/%s", tmp, ECRA_SYNTH_TMP_MARKER) < 0) {
		rc = OOM();
		goto done;
	}
	if (unlink(from.ptr) != 0) {
		rc = ecra_error_set_os(ECRA_EIO, "removing '%s'", from.ptr);
		goto done;
	}
	for (i = 0; i < reuse->count; i++, moved++) {
		ecra_buf_clear(&from);
		ecra_buf_clear(&to);
		if (ecra_buf_printf(
		        &from, "%s/%s", app->outdir_fs, reuse->items[i]) < 0 ||
		    ecra_buf_printf(&to, "%s/%s", tmp, reuse->items[i]) < 0) {
			rc = OOM();
			goto undo;
		}
		if (rename(from.ptr, to.ptr) != 0) {
			rc = ecra_error_set_os(
			    ECRA_EIO, "moving '%s'", from.ptr);
			goto undo;
		}
	}
	if (lstat(app->outdir_fs, &st) != 0) {
		if (rename(tmp, app->outdir_fs) != 0) {
			rc = ecra_error_set_os(ECRA_EIO,
			    "renaming '%s' to '%s'", tmp, app->outdir_fs);
			goto undo;
		}
		goto done;
	}
	if (exchange(tmp, app->outdir_fs) == 0) {
		/* tmp now holds the previous assembly. */
		(void)remove_tree(tmp);
		goto done;
	}
	/* No atomic exchange: move the old assembly aside first, into a
	 * marked temporary directory (so a crash here leaves nothing that is
	 * not recognised). */
	if ((rc = make_tmp(&holder, app->outdir_fs)) < 0)
		goto undo;
	if (ecra_buf_printf(&old, "%s/old", holder.ptr) < 0) {
		rc = OOM();
		(void)remove_tree(holder.ptr);
		goto undo;
	}
	if (rename(app->outdir_fs, old.ptr) != 0) {
		rc = ecra_error_set_os(
		    ECRA_EIO, "renaming '%s'", app->outdir_fs);
		(void)remove_tree(holder.ptr);
		goto undo;
	}
	if (rename(tmp, app->outdir_fs) != 0) {
		rc = ecra_error_set_os(ECRA_EIO, "renaming '%s'", tmp);
		(void)rename(old.ptr, app->outdir_fs);
		(void)remove_tree(holder.ptr);
		goto undo;
	}
	(void)remove_tree(holder.ptr);
	goto done;
undo:
	/* Give the reused directories back to the previous assembly. */
	while (moved-- > 0) {
		ecra_buf_clear(&from);
		ecra_buf_clear(&to);
		if (ecra_buf_printf(&from, "%s/%s", app->outdir_fs,
		        reuse->items[moved]) >= 0 &&
		    ecra_buf_printf(&to, "%s/%s", tmp, reuse->items[moved]) >=
		        0)
			(void)rename(to.ptr, from.ptr);
	}
done:
	ecra_buf_dispose(&from);
	ecra_buf_dispose(&to);
	ecra_buf_dispose(&old);
	ecra_buf_dispose(&holder);
	return rc;
}

/* Context that would make aws-cdk-lib write something this library does
 * not: say so instead of silently differing. */
static void warn_unsupported(ecra_app *app)
{
	ecra_json *v;

	v = ecra_assembly_context(app, "aws:cdk:version-reporting");
	if (v && ecra_json_is_true(v))
		ecra_assembly_warn(app,
		    "context 'aws:cdk:version-reporting' is true: aws-cdk-lib "
		    "would add an AWS::CDK::Metadata (analytics) resource, "
		    "which "
		    "is not written (use --no-version-reporting with the cdk "
		    "CLI)");
	v = ecra_assembly_context(app, "@aws-cdk/core:newStyleStackSynthesis");
	if (v && ecra_json_is_bool(v) && !ecra_json_is_true(v))
		ecra_assembly_warn(app,
		    "context '@aws-cdk/core:newStyleStackSynthesis' is false: "
		    "aws-cdk-lib would use the LegacyStackSynthesizer; the "
		    "DefaultStackSynthesizer is used");
}

int ecra_app_synth(ecra_app *app, const ecra_synth_options *opts)
{
	ecra_strvec reuse = ECRA_STRVEC_INIT;
	ecra_buf tmp = ECRA_BUF_INIT(0);
	const volatile int *saved_cancel;
	char *parent = NULL, *slash;
	bool made = false;
	int rc;

	ECRA_ASSERT_ARG(app);
	ECRA_CHECK_VERSION(
	    opts, ECRA_SYNTH_OPTIONS_VERSION, ecra_synth_options);
	saved_cancel = app->cancel;
	if (opts != NULL && opts->version >= 2 && opts->cancel != NULL)
		app->cancel = opts->cancel;
	warn_unsupported(app);
	if ((rc = check_outdir(app)) < 0)
		goto done;
	parent = ecra_strdup(app->outdir_fs);
	if (parent == NULL) {
		rc = OOM();
		goto done;
	}
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if ((rc = mkdir_p(parent)) < 0)
			goto done;
	}
	if ((rc = ecra_app_remove_stale(app->outdir_fs, NULL)) < 0)
		goto done;
	if ((rc = make_tmp(&tmp, app->outdir_fs)) < 0)
		goto done;
	made = true;
	if ((rc = stage_assets(app, tmp.ptr, &reuse)) < 0)
		goto done;
	if ((rc = write_assembly(app, tmp.ptr)) < 0)
		goto done;
	if (app->cancel != NULL && *app->cancel) {
		rc = ecra_error_set(ECRA_EUSER, "cancelled");
		goto done;
	}
	rc = commit(app, tmp.ptr, &reuse);
	if (rc == 0)
		made = false;
done:
	if (made) {
		int keep = rc;

		(void)remove_tree(tmp.ptr);
		rc = keep;
	}
	app->cancel = saved_cancel;
	ecra_strvec_dispose(&reuse);
	ecra_buf_dispose(&tmp);
	ecra_free(parent);
	return rc;
}
