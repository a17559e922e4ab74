/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/fingerprint/reader.c - batched small-file reads (uring.c).
 *
 * A reader must hand back exactly the bytes of every file it claims to
 * have read whole, and leave everything else (missing files, long files,
 * directories, unreadable files) to the caller with result -1.
 */
#include "helpers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fingerprint/fingerprint.h"

static unsigned char *pattern(size_t len, unsigned int seed)
{
	unsigned char *p = malloc(len + 1);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)((i * 131 + seed * 7) >> 3);
	return p;
}

static ecra_fp_reader *reader_or_skip(void)
{
	ecra_fp_reader *r = ecra_fp_reader_new();

	/* Kernels without io_uring (or a seccomp filter refusing it) give
	 * NULL, and fingerprint.c reads one file at a time instead; the
	 * whole-tree tests cover that path with ecra_fp_reader_disable(). */
	if (r == NULL) {
		print_message("io_uring unavailable here: reader not tested\n");
		skip();
	}
	return r;
}

static void test_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, 4096, 8192, 65535, 65536,
		65537, 300000 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	ecra_fp_read_req reqs[ECRA_FP_BATCH];
	const char *dir = sandbox_dir();
	unsigned char *data[N];
	char names[N][32];
	ecra_fp_reader *r;
	int dfd, round;
	size_t i;

	(void)state;
	r = reader_or_skip();
	for (i = 0; i < N; i++) {
		data[i] = pattern(sizes[i], (unsigned int)i);
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		write_file(dir, names[i], data[i], sizes[i]);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	/* Twice: slots and buffers are reused from batch to batch. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < N; i++) {
			reqs[i].dfd = dfd;
			reqs[i].name = names[i];
		}
		assert_int_equal(ecra_fp_reader_run(r, reqs, N), 0);
		for (i = 0; i < N; i++) {
			if (sizes[i] >= ECRA_FP_BATCH_READ) {
				assert_int_equal(reqs[i].result, -1);
				continue;
			}
			assert_int_equal(reqs[i].result, (long)sizes[i]);
			if (sizes[i] > 0)
				assert_memory_equal(
				    reqs[i].data, data[i], sizes[i]);
		}
	}
	close(dfd);
	for (i = 0; i < N; i++)
		free(data[i]);
	ecra_fp_reader_free(r);
	sandbox_cleanup(dir);
}

/* Failures of one file do not disturb the others in its batch. */
static void test_failures_are_left_to_the_caller(void **state)
{
	ecra_fp_read_req reqs[ECRA_FP_BATCH];
	const char *dir = sandbox_dir();
	char abs[4200];
	ecra_fp_reader *r;
	size_t i, n = 0;
	int dfd;

	(void)state;
	r = reader_or_skip();
	write_text(dir, "a", "alpha");
	write_text(dir, "sub/b", "beta");
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	snprintf(abs, sizeof(abs), "%s/sub/b", dir);
	reqs[n].dfd = dfd, reqs[n++].name = "missing";
	reqs[n].dfd = dfd, reqs[n++].name = "a";
	reqs[n].dfd = dfd, reqs[n++].name = "sub"; /* a directory */
	reqs[n].dfd = AT_FDCWD, reqs[n++].name = abs;
	/* A regular file whose read fails at offset 0. */
	reqs[n].dfd = AT_FDCWD, reqs[n++].name = "/proc/self/mem";
	/* A full batch of the same file: every slot in use at once. */
	while (n < ECRA_FP_BATCH)
		reqs[n].dfd = dfd, reqs[n++].name = "a";
	assert_int_equal(ecra_fp_reader_run(r, reqs, n), 0);
	assert_int_equal(reqs[0].result, -1);
	assert_int_equal(reqs[1].result, 5);
	assert_memory_equal(reqs[1].data, "alpha", 5);
	assert_int_equal(reqs[2].result, -1);
	assert_int_equal(reqs[3].result, 4);
	assert_memory_equal(reqs[3].data, "beta", 4);
	assert_int_equal(reqs[4].result, -1);
	for (i = 5; i < n; i++) {
		assert_int_equal(reqs[i].result, 5);
		assert_memory_equal(reqs[i].data, "alpha", 5);
	}
	close(dfd);
	ecra_fp_reader_free(r);
	sandbox_cleanup(dir);
}

static void test_disable(void **state)
{
	ecra_fp_reader *r;

	(void)state;
	ecra_fp_reader_disable(true);
	assert_null(ecra_fp_reader_new());
	ecra_fp_reader_disable(false);
	r = ecra_fp_reader_new();
	ecra_fp_reader_free(r);
	ecra_fp_reader_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_failures_are_left_to_the_caller),
		cmocka_unit_test(test_disable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
