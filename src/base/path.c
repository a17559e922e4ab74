/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * base/path.c - the one definition of the POSIX parts of Node's path
 * module (normalize, resolve, join, relative, basename) that hashing,
 * staging and manifest loading must reproduce byte for byte, plus plain
 * concatenation and containment. Bottom floor: used by every module and
 * by the CLI.
 */
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"
#include "util/vec.h"

char *ecra_path_normalize(const char *p)
{
	ecra_strvec parts = ECRA_STRVEC_INIT;
	ecra_buf b = ECRA_BUF_INIT(0);
	bool absolute = p[0] == '/';
	bool trailing = p[0] != '\0' && p[strlen(p) - 1] == '/';
	const char *s = p, *e;
	char *res = NULL;
	size_t i;

	while (*s) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		e = strchr(s, '/');
		if (e == NULL)
			e = s + strlen(s);
		if (e - s == 1 && s[0] == '.') {
			/* skip */
		} else if (e - s == 2 && s[0] == '.' && s[1] == '.') {
			if (parts.count > 0 &&
			    strcmp(parts.items[parts.count - 1], "..") != 0) {
				ecra_free(parts.items[--parts.count]);
				parts.items[parts.count] = NULL;
			} else if (!absolute) {
				if (ecra_strvec_push(&parts, "..") < 0)
					goto done;
			}
		} else if (ecra_strvec_pushn(&parts, s, (size_t)(e - s)) < 0) {
			goto done;
		}
		s = e;
	}
	if (absolute && ecra_buf_putc(&b, '/') < 0)
		goto done;
	for (i = 0; i < parts.count; i++)
		if ((i > 0 && ecra_buf_putc(&b, '/') < 0) ||
		    ecra_buf_puts(&b, parts.items[i]) < 0)
			goto done;
	if (b.size == 0 && ecra_buf_putc(&b, '.') < 0)
		goto done;
	/* Node keeps a trailing slash ("./" for "a/../"), except on "/". */
	if (trailing && !(absolute && parts.count == 0) &&
	    ecra_buf_putc(&b, '/') < 0)
		goto done;
	res = ecra_buf_detach(&b);
done:
	ecra_buf_dispose(&b);
	ecra_strvec_dispose(&parts);
	if (res == NULL)
		ecra_error_set(ECRA_ENOMEM, "out of memory");
	return res;
}

char *ecra_path_resolve(const char *p)
{
	char cwd[PATH_MAX];
	ecra_buf b = ECRA_BUF_INIT(0);
	char *res;
	size_t n;

	if (p[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL) {
			ecra_error_set_os(ECRA_EIO, "getcwd");
			return NULL;
		}
		if (ecra_buf_puts(&b, cwd) < 0 || ecra_buf_putc(&b, '/') < 0 ||
		    ecra_buf_puts(&b, p) < 0) {
			ecra_buf_dispose(&b);
			ecra_error_set(ECRA_ENOMEM, "out of memory");
			return NULL;
		}
		p = b.ptr;
	}
	res = ecra_path_normalize(p);
	ecra_buf_dispose(&b);
	/* resolve() drops a trailing slash (except for the root). */
	if (res && (n = strlen(res)) > 1 && res[n - 1] == '/')
		res[n - 1] = '\0';
	return res;
}

char *ecra_path_join(const char *a, const char *b)
{
	ecra_buf t = ECRA_BUF_INIT(0);
	char *res;

	/* path.join skips empty arguments. */
	if (*b == '\0' || *a == '\0')
		return ecra_path_normalize(*b == '\0' ? a : b);
	if (ecra_buf_puts(&t, a) < 0 || ecra_buf_putc(&t, '/') < 0 ||
	    ecra_buf_puts(&t, b) < 0) {
		ecra_buf_dispose(&t);
		ecra_error_set(ECRA_ENOMEM, "out of memory");
		return NULL;
	}
	res = ecra_path_normalize(t.ptr);
	ecra_buf_dispose(&t);
	return res;
}

char *ecra_path_relative(const char *from, const char *to)
{
	char *f = NULL, *t = NULL, *res = NULL;
	ecra_buf b = ECRA_BUF_INIT(0);
	size_t i = 0, common = 0;
	const char *rest;

	f = ecra_path_resolve(from);
	t = ecra_path_resolve(to);
	if (f == NULL || t == NULL)
		goto done;
	if (strcmp(f, t) == 0) {
		res = ecra_strdup("");
		goto done;
	}
	/* Longest common prefix ending on a component boundary. */
	for (i = 0; f[i] && f[i] == t[i]; i++)
		if (f[i] == '/')
			common = i;
	if (f[i] == '\0' && (t[i] == '/' || strcmp(f, "/") == 0))
		common = strcmp(f, "/") == 0 ? 0 : i;
	else if (t[i] == '\0' && f[i] == '/')
		common = i;
	rest = f + common;
	for (; *rest; rest++)
		if (*rest == '/' && rest[1] != '\0' &&
		    ecra_buf_puts(&b, b.size ? "/.." : "..") < 0)
			goto done;
	if (t[common] != '\0') {
		if (b.size && ecra_buf_putc(&b, '/') < 0)
			goto done;
		if (ecra_buf_puts(&b, t + common + (t[common] == '/')) < 0)
			goto done;
	}
	res = ecra_buf_detach(&b);
	if (res == NULL)
		res = ecra_strdup("");
done:
	ecra_buf_dispose(&b);
	ecra_free(f);
	ecra_free(t);
	return res;
}

const char *ecra_path_basename(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

bool ecra_path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

char *ecra_path_concat(const char *dir, const char *name)
{
	ecra_buf t = ECRA_BUF_INIT(0);
	bool root = strcmp(dir, "/") == 0;

	if (ecra_buf_puts(&t, dir) < 0 ||
	    (!root && *dir != '\0' && ecra_buf_putc(&t, '/') < 0) ||
	    ecra_buf_puts(&t, name) < 0) {
		ecra_buf_dispose(&t);
		ecra_error_set(ECRA_ENOMEM, "out of memory");
		return NULL;
	}
	return ecra_buf_detach(&t);
}

bool ecra_path_within(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return p[0] == '/';
	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}
