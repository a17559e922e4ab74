/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/gzip.c - parallel gzip in independent blocks (pigz style)
 * with ISA-L's igzip at level 1.
 *
 * The input is cut into 1 MiB blocks; each is deflated on its own (no
 * history from the previous block) and ends on a byte boundary with a
 * full flush, the last one with the final block, so the blocks simply
 * concatenate into one deflate stream of one gzip member (header with
 * mtime 0 and no name, so nothing but the input decides the bytes). The
 * CRC-32 of each block is computed by its worker and combined in order.
 * Because the cut points and the per-block compressor do not depend on
 * the number of threads or on timing, the output is deterministic: the
 * same input gives the same bytes, hence the same layer digest, on every
 * run and thread count (igzip gives the same bytes on every x86-64 with
 * SSE4.2; see docs/internals/registry.md for the measurements behind the
 * choice of igzip over zlib and libdeflate).
 *
 * Blocks are compressed by `threads` workers; the caller's thread feeds
 * input and receives the output in order (through the callback), so it
 * can digest and write it. At most 2 * threads + 2 blocks are in flight:
 * memory stays around 5 MiB per thread whatever the layer size.
 */
#include "registry/engine.h"

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <string.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/error.h"

#define BLOCK   (1u << 20)
#define OUT_CAP (BLOCK + BLOCK / 2 + 65536)

typedef enum { SLOT_FREE = 0, SLOT_QUEUED, SLOT_BUSY, SLOT_DONE } slot_state;

typedef struct {
	unsigned char *in, *out;
	size_t n, out_len;
	uint32_t crc;
	bool final;
	slot_state state;
	int error;
} slot;

struct ecra_gzip {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	pthread_t *threads;
	unsigned int thread_count;
	slot *slots;
	size_t slot_count;
	uint64_t next_fill;   /* seq of the block being filled */
	uint64_t next_take;   /* next seq a worker takes */
	uint64_t submitted;   /* seqs < this are queued or later */
	uint64_t next_retire; /* next seq to hand out */
	bool stop;
	int error;
	/* Per stream. */
	ecra_gzip_out_cb out;
	void *payload;
	uint32_t crc;
	uint64_t total;
	bool open;
};

static int deflate_block(slot *s, unsigned char *level_buf)
{
	struct isal_zstream z;

	isal_deflate_init(&z);
	z.level = 1;
	z.level_buf = level_buf;
	z.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
	z.gzip_flag = IGZIP_DEFLATE;
	z.end_of_stream = s->final ? 1 : 0;
	z.flush = s->final ? NO_FLUSH : FULL_FLUSH;
	z.next_in = s->in;
	z.avail_in = (uint32_t)s->n;
	z.next_out = s->out;
	z.avail_out = OUT_CAP;
	if (isal_deflate(&z) != COMP_OK || z.avail_in != 0 ||
	    (s->final && z.internal_state.state != ZSTATE_END))
		return ECRA_ERROR;
	s->out_len = OUT_CAP - z.avail_out;
	s->crc = s->n ? crc32_gzip_refl(0, s->in, s->n) : 0;
	return 0;
}

static void *worker(void *arg)
{
	ecra_gzip *z = arg;
	unsigned char *level_buf = ecra_alloc(ISAL_DEF_LVL1_DEFAULT);

	pthread_mutex_lock(&z->lock);
	for (;;) {
		slot *s;
		int rc;

		while (!z->stop && z->next_take >= z->submitted)
			pthread_cond_wait(&z->work, &z->lock);
		if (z->stop)
			break;
		s = &z->slots[z->next_take++ % z->slot_count];
		s->state = SLOT_BUSY;
		pthread_mutex_unlock(&z->lock);
		rc = level_buf ? deflate_block(s, level_buf) : ECRA_ENOMEM;
		pthread_mutex_lock(&z->lock);
		s->error = rc;
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&z->done);
	}
	pthread_mutex_unlock(&z->lock);
	ecra_free(level_buf);
	return NULL;
}

int ecra_gzip_new(ecra_gzip **out, unsigned int threads)
{
	ecra_gzip *z;
	size_t i;

	*out = NULL;
	if (threads == 0)
		threads = 1;
	if ((z = ecra_calloc(1, sizeof(*z))) == NULL)
		return ECRA_ENOMEM;
	pthread_mutex_init(&z->lock, NULL);
	pthread_cond_init(&z->work, NULL);
	pthread_cond_init(&z->done, NULL);
	z->slot_count = 2 * (size_t)threads + 2;
	if ((z->slots = ecra_calloc(z->slot_count, sizeof(slot))) == NULL ||
	    (z->threads = ecra_calloc(threads, sizeof(pthread_t))) == NULL)
		goto oom;
	for (i = 0; i < z->slot_count; i++)
		if ((z->slots[i].in = ecra_alloc(BLOCK)) == NULL ||
		    (z->slots[i].out = ecra_alloc(OUT_CAP)) == NULL)
			goto oom;
	for (i = 0; i < threads; i++) {
		if (pthread_create(&z->threads[i], NULL, worker, z) != 0)
			break;
		z->thread_count++;
	}
	if (z->thread_count == 0)
		goto oom;
	*out = z;
	return 0;
oom:
	ecra_gzip_free(z);
	return ecra_error_set(ECRA_ENOMEM, "cannot start the compressor");
}

void ecra_gzip_free(ecra_gzip *z)
{
	size_t i;

	if (z == NULL)
		return;
	pthread_mutex_lock(&z->lock);
	z->stop = true;
	pthread_cond_broadcast(&z->work);
	pthread_mutex_unlock(&z->lock);
	for (i = 0; i < z->thread_count; i++)
		pthread_join(z->threads[i], NULL);
	for (i = 0; z->slots != NULL && i < z->slot_count; i++) {
		ecra_free(z->slots[i].in);
		ecra_free(z->slots[i].out);
	}
	ecra_free(z->slots);
	ecra_free(z->threads);
	pthread_mutex_destroy(&z->lock);
	pthread_cond_destroy(&z->work);
	pthread_cond_destroy(&z->done);
	ecra_free(z);
}

/* Hand out block `next_retire` (waiting for it); called by the feeder. */
static int retire_one(ecra_gzip *z)
{
	slot *s = &z->slots[z->next_retire % z->slot_count];
	int error;

	pthread_mutex_lock(&z->lock);
	while (s->state != SLOT_DONE)
		pthread_cond_wait(&z->done, &z->lock);
	pthread_mutex_unlock(&z->lock);
	z->next_retire++;
	s->state = SLOT_FREE;
	if (z->error < 0)
		return z->error;
	if (s->error < 0)
		return z->error = ecra_error_set(
		           ECRA_ERROR, "igzip could not compress a block");
	z->crc = (uint32_t)crc32_combine(z->crc, s->crc, (z_off_t)s->n);
	z->total += s->n;
	if (s->out_len > 0 &&
	    (error = z->out(s->out, s->out_len, z->payload)) < 0)
		return z->error = error;
	return 0;
}

static int submit(ecra_gzip *z, bool final)
{
	slot *s = &z->slots[z->next_fill % z->slot_count];

	s->final = final;
	pthread_mutex_lock(&z->lock);
	s->state = SLOT_QUEUED;
	z->submitted = ++z->next_fill;
	pthread_cond_signal(&z->work);
	pthread_mutex_unlock(&z->lock);
	return 0;
}

/* Make the slot of next_fill free (retiring what it held). */
static int claim(ecra_gzip *z)
{
	slot *s;
	int error;

	while (z->next_fill - z->next_retire >= z->slot_count)
		if ((error = retire_one(z)) < 0)
			return error;
	s = &z->slots[z->next_fill % z->slot_count];
	s->n = 0;
	s->out_len = 0;
	s->error = 0;
	return 0;
}

int ecra_gzip_begin(ecra_gzip *z, ecra_gzip_out_cb out, void *payload)
{
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0,
		0, 0xff };

	z->out = out;
	z->payload = payload;
	z->crc = 0;
	z->total = 0;
	z->error = 0;
	z->open = true;
	for (size_t i = 0; i < z->slot_count; i++)
		z->slots[i].state = SLOT_FREE;
	z->next_fill = z->next_take = z->submitted = z->next_retire = 0;
	claim(z);
	return out(header, sizeof(header), payload);
}

int ecra_gzip_write(ecra_gzip *z, const void *data, size_t len)
{
	const unsigned char *p = data;
	int error;

	if (z->error < 0)
		return z->error;
	while (len > 0) {
		slot *s = &z->slots[z->next_fill % z->slot_count];
		size_t n = BLOCK - s->n < len ? BLOCK - s->n : len;

		memcpy(s->in + s->n, p, n);
		s->n += n;
		p += n;
		len -= n;
		if (s->n == BLOCK) {
			submit(z, false);
			if ((error = claim(z)) < 0)
				return error;
		}
	}
	return 0;
}

/* Wait for every block in flight; hand them out unless failed. */
static int drain(ecra_gzip *z)
{
	int error = 0, e;

	while (z->next_retire < z->next_fill)
		if ((e = retire_one(z)) < 0 && error == 0)
			error = e;
	return error;
}

int ecra_gzip_end(ecra_gzip *z)
{
	unsigned char trailer[8];
	int error;

	if (!z->open)
		return 0;
	z->open = false;
	if (z->error < 0) {
		drain(z);
		return z->error;
	}
	submit(z, true);
	if ((error = drain(z)) < 0)
		return error;
	trailer[0] = (unsigned char)z->crc;
	trailer[1] = (unsigned char)(z->crc >> 8);
	trailer[2] = (unsigned char)(z->crc >> 16);
	trailer[3] = (unsigned char)(z->crc >> 24);
	trailer[4] = (unsigned char)z->total;
	trailer[5] = (unsigned char)(z->total >> 8);
	trailer[6] = (unsigned char)(z->total >> 16);
	trailer[7] = (unsigned char)(z->total >> 24);
	return z->out(trailer, sizeof(trailer), z->payload);
}
