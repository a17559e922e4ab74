/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/fingerprint/walk.c - the shared walk and the path helpers
 * (spec synth.md §1.4, §1.5).
 */
#include "helpers.h"

#include "fingerprint/fingerprint.h"
#include "core/alloc.h"
#include "util/buf.h"
#include "fixture.h"

static void check_resolve(const char *base, const char *p, const char *want)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	assert_ok(ecra_fp_path_resolve(&b, base, p));
	assert_string_equal(b.ptr, want);
	ecra_buf_dispose(&b);
}

static void check_relative(const char *from, const char *to, const char *want)
{
	ecra_buf b = ECRA_BUF_INIT(0);

	assert_ok(ecra_fp_path_relative(&b, from, to));
	assert_string_equal(b.ptr, want);
	ecra_buf_dispose(&b);
}

/* Expectations are Node's path.resolve / path.relative. */
static void test_paths(void **state)
{
	ecra_buf b = ECRA_BUF_INIT(0);
	char cwd[4096];

	(void)state;
	check_resolve("/a/b", "../c", "/a/c");
	check_resolve("/a/b", "c/./d/", "/a/b/c/d");
	check_resolve("/a", "/x/./y/../z/", "/x/z");
	check_resolve("/", "..", "/");
	check_resolve("/a", "../../..", "/");
	check_resolve("/a", "//x//y", "/x/y");
	check_resolve("/a", ".", "/a");
	check_resolve("/a", "...", "/a/...");
	check_relative("/a/b", "/a/c/d", "../c/d");
	check_relative("/a", "/a", "");
	check_relative("/a/b", "/a", "..");
	check_relative("/", "/x", "x");
	check_relative("/x/y", "/", "../..");
	check_relative("/ab", "/a", "../a");
	check_relative("/a", "/ab", "../ab");
	check_relative("/a", "/a/b/c", "b/c");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_ok(ecra_fp_path_absolute(&b, "x/../y"));
	assert_true(strncmp(b.ptr, cwd, strlen(cwd)) == 0);
	assert_string_equal(b.ptr + strlen(cwd), strcmp(cwd, "/") ? "/y" : "y");
	ecra_buf_dispose(&b);
}

typedef struct {
	char log[8192];
} events;

static void add(events *e, const char *fmt, ...) ECRA_PRINTF(2, 3);

static void add(events *e, const char *fmt, ...)
{
	size_t n = strlen(e->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->log + n, sizeof(e->log) - n, fmt, ap);
	va_end(ap);
}

static const char *sandbox_real;

/* Paths below the sandbox are shown as "$/..." so tests are stable. */
static const char *short_path(const char *p)
{
	static char buf[4][4200];
	static int k;
	size_t n = strlen(sandbox_real);
	char *out = buf[k++ % 4];

	if (strncmp(p, sandbox_real, n) == 0)
		snprintf(out, 4200, "$%s", p + n);
	else
		snprintf(out, 4200, "%s", p);
	return out;
}

static int on_dir(void *ctx, const char *rel, const char *real, bool ignored)
{
	(void)ignored;
	add(ctx, "dir %s <%s>\n", rel, short_path(real));
	return 0;
}

static int on_file(void *ctx, const char *rel, const char *real)
{
	add(ctx, "file %s <%s>\n", rel, short_path(real));
	return 0;
}

static int on_link(void *ctx, const ecra_fp_link *l)
{
	add(ctx, "link %s -> %s", l->rel, short_path(l->text));
	add(ctx, " [%s]%s\n", short_path(l->target),
	    l->is_internal ? " internal" : "");
	return 0;
}

static const char *walk_log(const char *dir, ecra_follow_mode follow)
{
	static events e;
	ecra_fp_walk_options o;
	ecra_fp_visitor v;

	memset(&e, 0, sizeof(e));
	memset(&o, 0, sizeof(o));
	memset(&v, 0, sizeof(v));
	o.dir = dir;
	o.follow = follow;
	v.on_directory = on_dir;
	v.on_file = on_file;
	v.on_symlink = on_link;
	v.ctx = &e;
	assert_ok(ecra_fp_walk(&o, &v));
	return e.log;
}

static void test_walk_internal_only(void **state)
{
	static const char expected[] =
	    "file .hidden <$/root/.hidden>\n"
	    "file Z <$/root/Z>\n"
	    "file _u <$/root/_u>\n"
	    "dir a <$/root/a>\n"
	    "dir a/b <$/root/a/b>\n"
	    "file a/keep.me <$/root/a/keep.me>\n"
	    "dir a/l-loop <$/root/a>\n"
	    "file a/x <$/root/a/x>\n"
	    "file a-b <$/root/a-b>\n"
	    "file a.txt <$/root/a.txt>\n"
	    "dir emptydir <$/root/emptydir>\n"
	    "file l-abs-int <$/root/a/x>\n"
	    "link l-dangling -> nonexistent [$/root/nonexistent] internal\n"
	    "link l-dir-ext -> ../ext/edir [$/ext/edir]\n"
	    "dir l-dir-int <$/root/a>\n"
	    "dir l-dir-int/b <$/root/a/b>\n"
	    "file l-dir-int/keep.me <$/root/a/keep.me>\n"
	    "dir l-dir-int/l-loop <$/root/a>\n"
	    "file l-dir-int/x <$/root/a/x>\n"
	    "link l-rel-ext -> ../ext/e.txt [$/ext/e.txt]\n"
	    "file l-rel-int <$/root/a.txt>\n"
	    "dir node_modules <$/root/node_modules>\n"
	    "dir node_modules/m <$/root/node_modules/m>\n"
	    "file node_modules/m/index.js <$/root/node_modules/m/index.js>\n"
	    "file \xc3\xa9.txt <$/root/\xc3\xa9.txt>\n"
	    "file \xf0\x9f\x98\x80.txt <$/root/\xf0\x9f\x98\x80.txt>\n"
	    "file \xef\xbd\x9e <$/root/\xef\xbd\x9e>\n";
	char root[4200];
	const char *dir = sandbox_dir();
	char *real;

	(void)state;
	fixture_build(dir, false);
	real = ecra_fp_realpath(dir);
	assert_non_null(real);
	sandbox_real = real;
	snprintf(root, sizeof(root), "%s/root", real);
	/* BLOCK_EXTERNAL follows internal links; a loop back to an
	 * ancestor is reported as a directory and then adds nothing. */
	assert_string_equal(
	    walk_log(root, ECRA_FOLLOW_BLOCK_EXTERNAL), expected);
	ecra_free(real);
	sandbox_cleanup(dir);
}

/* Links inside a followed directory resolve from the target's place. */
static void test_walk_nested_links(void **state)
{
	static const char expected[] =
	    "dir l <$/ext/edir>\n"
	    "file l/inner.txt <$/ext/edir/inner.txt>\n"
	    "file l/up <$/ext/e.txt>\n"
	    "link self -> $/root [$/root] internal\n";
	char root[4200], p[4300];
	const char *dir = sandbox_dir();
	char *real;

	(void)state;
	write_text(dir, "ext/e.txt", "e");
	write_text(dir, "ext/edir/inner.txt", "i");
	write_text(dir, "root/.keep", "");
	real = ecra_fp_realpath(dir);
	assert_non_null(real);
	sandbox_real = real;
	snprintf(root, sizeof(root), "%s/root", real);
	snprintf(p, sizeof(p), "%s/ext/edir/up", real);
	assert_int_equal(symlink("../e.txt", p), 0);
	snprintf(p, sizeof(p), "%s/root/l", real);
	assert_int_equal(symlink("../ext/edir", p), 0);
	snprintf(p, sizeof(p), "%s/root/self", real);
	assert_int_equal(symlink(root, p), 0);
	snprintf(p, sizeof(p), "%s/root/.keep", real);
	assert_int_equal(unlink(p), 0);
	assert_string_equal(walk_log(root, ECRA_FOLLOW_EXTERNAL), expected);
	ecra_free(real);
	sandbox_cleanup(dir);
}

/* An absolute link to the root hashes as "" when not followed. */
static int grab(ecra_fingerprint_field_kind kind, const char *header,
    const char *value, void *payload)
{
	(void)kind;
	if (strcmp(header, "link:self") == 0)
		snprintf(payload, 64, "[%s]", value);
	return 0;
}

static void test_link_to_root_value(void **state)
{
	ecra_fingerprint_options o = ECRA_FINGERPRINT_OPTIONS_INIT;
	char out[ECRA_FINGERPRINT_HEX_SIZE], got[64] = "", p[4300];
	const char *dir = sandbox_dir();
	char *real;

	(void)state;
	write_text(dir, "root/f", "f");
	real = ecra_fp_realpath(dir);
	assert_non_null(real);
	snprintf(p, sizeof(p), "%s/root/self", real);
	snprintf(out, sizeof(out), "x");
	{
		char target[4300];

		snprintf(target, sizeof(target), "%s/root", real);
		assert_int_equal(symlink(target, p), 0);
		o.follow = ECRA_FOLLOW_NEVER;
		o.field_cb = grab;
		o.field_payload = got;
		assert_ok(ecra_fingerprint(out, target, &o));
	}
	assert_string_equal(got, "[]");
	ecra_free(real);
	sandbox_cleanup(dir);
}

/* Siblings come in UTF-16 order; directories are visited in place. */
static void test_walk_order(void **state)
{
	static const char expected[] =
	    "file A <$/d/A>\n"
	    "file _ <$/d/_>\n"
	    "file a <$/d/a>\n"
	    "file a-b <$/d/a-b>\n"
	    "file a.b <$/d/a.b>\n"
	    "dir a0 <$/d/a0>\n"
	    "file a0/z <$/d/a0/z>\n"
	    "file b <$/d/b>\n"
	    "file \xc3\xa9 <$/d/\xc3\xa9>\n"
	    "file \xf0\x9f\x98\x80 <$/d/\xf0\x9f\x98\x80>\n"
	    "file \xee\x80\x80 <$/d/\xee\x80\x80>\n"
	    "file \xef\xbd\x9e <$/d/\xef\xbd\x9e>\n";
	static const char *names[] = { "b", "a", "A", "_", "a-b", "a.b", "a0/z",
		"\xc3\xa9", "\xf0\x9f\x98\x80", "\xee\x80\x80",
		"\xef\xbd\x9e" };
	char root[4200], rel[64];
	const char *dir = sandbox_dir();
	char *real;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(rel, sizeof(rel), "d/%s", names[i]);
		write_text(dir, rel, "x");
	}
	real = ecra_fp_realpath(dir);
	assert_non_null(real);
	sandbox_real = real;
	snprintf(root, sizeof(root), "%s/d", real);
	assert_string_equal(walk_log(root, ECRA_FOLLOW_NEVER), expected);
	ecra_free(real);
	sandbox_cleanup(dir);
}

static void test_walk_oom(void **state)
{
	char root[4200];
	const char *dir = sandbox_dir();
	char *real;
	long n;
	int rc;
	events e;
	ecra_fp_walk_options o;
	ecra_fp_visitor v;

	(void)state;
	fixture_build(dir, true);
	real = ecra_fp_realpath(dir);
	assert_non_null(real);
	sandbox_real = real;
	snprintf(root, sizeof(root), "%s/root", real);
	memset(&o, 0, sizeof(o));
	memset(&v, 0, sizeof(v));
	o.dir = root;
	o.follow = ECRA_FOLLOW_ALWAYS;
	v.on_directory = on_dir;
	v.on_file = on_file;
	v.on_symlink = on_link;
	v.ctx = &e;
	for (n = 0;; n++) {
		memset(&e, 0, sizeof(e));
		ecra_alloc_fail_after(n);
		rc = ecra_fp_walk(&o, &v);
		ecra_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, ECRA_ENOMEM);
		assert_true(n < 5000);
	}
	ecra_free(real);
	sandbox_cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_walk_internal_only),
		cmocka_unit_test(test_walk_nested_links),
		cmocka_unit_test(test_link_to_root_value),
		cmocka_unit_test(test_walk_order),
		cmocka_unit_test(test_walk_oom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
