/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fingerprint/uring.c - batched whole-file reads of small files.
 *
 * A source tree is mostly small files, and reading one costs three
 * system calls (openat, read, close) whose entry and exit alone take as
 * long as hashing a few KiB on a VM. With io_uring, one io_uring_enter()
 * opens, reads and closes a whole batch of files: per file an OPENAT
 * into a direct descriptor slot (no file-table update), a READ of the
 * first ECRA_FP_BATCH_READ bytes hard-linked to a CLOSE of the slot, all
 * completed inline when the tree is in the page cache.
 *
 * Everything that is not the easy case (the kernel refuses io_uring, an
 * open or a read fails, a file is ECRA_FP_BATCH_READ bytes or more) is
 * left to the caller, which reads that file the ordinary way: errors
 * then come out exactly as they always do.
 */
#include "fingerprint/fingerprint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>

#include "core/alloc.h"

#ifdef ECRA_HAVE_LIBURING
#include <liburing.h>
#endif

static atomic_bool is_disabled;

void ecra_fp_reader_disable(bool disable)
{
	atomic_store(&is_disabled, disable);
}

#ifdef ECRA_HAVE_LIBURING

/* Three operations per file. */
#define RING_ENTRIES (4 * ECRA_FP_BATCH)

enum { OP_OPEN, OP_READ, OP_CLOSE };

struct ecra_fp_reader {
	struct io_uring ring;
	unsigned char *bufs; /* ECRA_FP_BATCH buffers of BATCH_READ bytes */
};

static int ring_init(struct io_uring *ring)
{
	/* The reader lives on one thread, which also reaps: let the kernel
	 * skip the cross-thread task-work machinery (Linux 6.1+); older
	 * kernels reject the flags and get a plain ring. */
	static const unsigned int flags[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_COOP_TASKRUN,
		0,
	};
	size_t i;
	int rc = -EINVAL;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		rc = io_uring_queue_init(RING_ENTRIES, ring, flags[i]);
		if (rc != -EINVAL)
			break;
	}
	return rc;
}

ecra_fp_reader *ecra_fp_reader_new(void)
{
	ecra_fp_reader *r;

	if (atomic_load(&is_disabled))
		return NULL;
	if ((r = ecra_calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (ring_init(&r->ring) < 0) {
		ecra_free(r);
		return NULL;
	}
	if (io_uring_register_files_sparse(&r->ring, ECRA_FP_BATCH) < 0 ||
	    (r->bufs = ecra_alloc(
	         (size_t)ECRA_FP_BATCH * ECRA_FP_BATCH_READ)) == NULL) {
		io_uring_queue_exit(&r->ring);
		ecra_free(r);
		return NULL;
	}
	return r;
}

void ecra_fp_reader_free(ecra_fp_reader *r)
{
	if (r == NULL)
		return;
	io_uring_queue_exit(&r->ring);
	ecra_free(r->bufs);
	ecra_free(r);
}

static void queue_file(ecra_fp_reader *r, ecra_fp_read_req *q, unsigned int i)
{
	struct io_uring_sqe *sqe;

	/* Never NULL: RING_ENTRIES covers a whole batch and the ring is
	 * empty when a batch starts. */
	sqe = io_uring_get_sqe(&r->ring);
	/* O_NONBLOCK as in ecra_fp_content_open(): a FIFO swapped in for a
	 * file fails the read instead of hanging. (A direct descriptor is
	 * never in the file table, so O_CLOEXEC does not apply: the kernel
	 * rejects it.) */
	io_uring_prep_openat_direct(
	    sqe, q->dfd, q->name, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0, i);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_sqe_set_data64(sqe, (uint64_t)i * 3 + OP_OPEN);

	/* A short read is the normal case, and plain links break on one:
	 * hard-link the close so the slot is always released. */
	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_read(sqe, (int)i,
	    r->bufs + (size_t)i * ECRA_FP_BATCH_READ, ECRA_FP_BATCH_READ, 0);
	sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
	io_uring_sqe_set_data64(sqe, (uint64_t)i * 3 + OP_READ);

	sqe = io_uring_get_sqe(&r->ring);
	io_uring_prep_close_direct(sqe, i);
	io_uring_sqe_set_data64(sqe, (uint64_t)i * 3 + OP_CLOSE);
}

int ecra_fp_reader_run(ecra_fp_reader *r, ecra_fp_read_req *reqs, size_t n)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen, i, wanted, got = 0;
	uint64_t data;
	int rc;

	if (n > ECRA_FP_BATCH)
		n = ECRA_FP_BATCH;
	for (i = 0; i < n; i++) {
		reqs[i].result = -1;
		reqs[i].data = r->bufs + (size_t)i * ECRA_FP_BATCH_READ;
		queue_file(r, &reqs[i], i);
	}
	wanted = (unsigned int)n * 3;
	do {
		rc = io_uring_submit_and_wait(&r->ring, wanted - got);
	} while (rc == -EINTR);
	if (rc < 0)
		return rc;
	while (got < wanted) {
		seen = 0;
		io_uring_for_each_cqe(&r->ring, head, cqe)
		{
			data = io_uring_cqe_get_data64(cqe);
			i = (unsigned int)(data / 3);
			if (data % 3 == OP_READ && i < n && cqe->res >= 0 &&
			    cqe->res < ECRA_FP_BATCH_READ)
				reqs[i].result = cqe->res;
			seen++;
		}
		io_uring_cq_advance(&r->ring, seen);
		got += seen;
		if (got >= wanted)
			break;
		do {
			rc = io_uring_wait_cqe(&r->ring, &cqe);
		} while (rc == -EINTR);
		if (rc < 0)
			return rc;
	}
	return 0;
}

#else /* !ECRA_HAVE_LIBURING */

ecra_fp_reader *ecra_fp_reader_new(void)
{
	return NULL;
}

void ecra_fp_reader_free(ecra_fp_reader *r)
{
	(void)r;
}

int ecra_fp_reader_run(ecra_fp_reader *r, ecra_fp_read_req *reqs, size_t n)
{
	(void)r;
	(void)reqs;
	(void)n;
	return -ENOSYS;
}

#endif
