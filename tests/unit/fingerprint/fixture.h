/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/fingerprint/fixture.h - the fixture of spec synth.md §1.2.
 *
 * <sandbox>/root is the asset, <sandbox>/ext holds the targets of its
 * external links. File contents were recovered from the content hashes
 * quoted in the spec; ext/ is not described there, so its contents are
 * ours and the hashes that depend on it (external, always) come from
 * running aws-cdk-lib 2.276.0 with fixture-oracle.js.
 */
#ifndef TESTS_UNIT_FINGERPRINT_FIXTURE_H
#define TESTS_UNIT_FINGERPRINT_FIXTURE_H

#include <sys/stat.h>
#include <unistd.h>

static inline void fixture_link(
    const char *dir, const char *target, const char *rel)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* Build the fixture under `dir`; with_log adds a/b/deep.log (excluded
 * by "*.log" in the spec's probe). */
static inline void fixture_build(const char *dir, bool with_log)
{
	char root[4200], abs_target[4300];

	snprintf(root, sizeof(root), "%s/root", dir);
	write_text(dir, "root/.hidden", "h");
	write_text(dir, "root/Z", "upper");
	write_text(dir, "root/_u", "under");
	write_text(dir, "root/a/keep.me", "keep");
	write_text(dir, "root/a/x", "ax");
	if (with_log) {
		write_text(dir, "root/a/b/deep.log", "deep\n");
	} else {
		snprintf(abs_target, sizeof(abs_target), "%s/a/b", root);
		assert_int_equal(mkdir(abs_target, 0755), 0);
	}
	write_text(dir, "root/a-b", "dash");
	write_text(dir, "root/a.txt", "A\r\n");
	write_text(dir, "root/node_modules/m/index.js", "m");
	write_text(dir, "root/\xc3\xa9.txt", "accent");
	write_text(dir, "root/\xf0\x9f\x98\x80.txt", "emoji");
	write_text(dir, "root/\xef\xbd\x9e", "fullwidth");
	write_text(dir, "ext/e.txt", "ext\n");
	write_text(dir, "ext/edir/inner.txt", "inner\n");
	snprintf(abs_target, sizeof(abs_target), "%s/emptydir", root);
	assert_int_equal(mkdir(abs_target, 0755), 0);
	fixture_link(root, ".", "a/l-loop");
	snprintf(abs_target, sizeof(abs_target), "%s/a/x", root);
	fixture_link(root, abs_target, "l-abs-int");
	fixture_link(root, "nonexistent", "l-dangling");
	fixture_link(root, "../ext/edir", "l-dir-ext");
	fixture_link(root, "a", "l-dir-int");
	fixture_link(root, "../ext/e.txt", "l-rel-ext");
	fixture_link(root, "a.txt", "l-rel-int");
}

/* Whole-tree hashes of the fixture (exclude "*.log", or no a/b/deep.log). */
#define FIXTURE_NEVER \
	"1e988d5c9afb947067fa418a9f1d63a22b56b5ed41e3aad905bfe2be24b3288d"
#define FIXTURE_INTERNAL_ONLY \
	"26de67ecae5e2c55b3a515628677840babf626e6627670f85698bc7fe5031021"
/* From fixture-oracle.js (they depend on ext/, which the spec does not
 * describe). */
#define FIXTURE_EXTERNAL \
	"3f92a673da578bd5a35dd5885c4badd2bc2f19121aa51065719639a4afd546b5"
#define FIXTURE_ALWAYS \
	"01da057105f78c5d2acf88e5442da669cb38343dcbdcd8f7b9907fd9fc17fb48"

#endif /* TESTS_UNIT_FINGERPRINT_FIXTURE_H */
