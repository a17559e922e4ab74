/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/progress.c - per-image byte counts of a publish run (see
 * progress.h). Events come serialised (ecra_publish_event_cb), so no
 * locking. An image's blobs are keyed by digest (or name while a layer
 * has none yet): a retry that starts a blob again resets its count.
 */
#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* An ETA needs this many seconds or bytes of transfer: not from the
 * first instants (a config blob's latency). */
#define ETA_AFTER_SECONDS 0.5
#define ETA_AFTER_BYTES   (1024 * 1024)

typedef struct {
	char *key;
	uint64_t done, total;
	bool sent;
} blob;

typedef struct {
	char *asset, *destination;
	double start; /* first blob start, < 0 before */
	blob *blobs;
	size_t count, cap;
} image;

struct cli_progress {
	image *images;
	size_t count, cap;
};

double cli_progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

cli_progress *cli_progress_new(void)
{
	return calloc(1, sizeof(cli_progress));
}

void cli_progress_free(cli_progress *p)
{
	size_t i, j;

	if (p == NULL)
		return;
	for (i = 0; i < p->count; i++) {
		for (j = 0; j < p->images[i].count; j++)
			free(p->images[i].blobs[j].key);
		free(p->images[i].blobs);
		free(p->images[i].asset);
		free(p->images[i].destination);
	}
	free(p->images);
	free(p);
}

static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static image *find_image(
    cli_progress *p, const char *asset, const char *destination, bool add)
{
	image *im;
	size_t i;

	for (i = 0; i < p->count; i++)
		if (same(p->images[i].asset, asset) &&
		    same(p->images[i].destination, destination))
			return &p->images[i];
	if (!add)
		return NULL;
	if (p->count == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		image *n = realloc(p->images, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		p->images = n;
		p->cap = cap;
	}
	im = &p->images[p->count];
	memset(im, 0, sizeof(*im));
	im->start = -1;
	im->asset = strdup(asset ? asset : "");
	im->destination = strdup(destination ? destination : "");
	if (im->asset == NULL || im->destination == NULL) {
		free(im->asset);
		free(im->destination);
		return NULL;
	}
	p->count++;
	return im;
}

static blob *find_blob(image *im, const char *key)
{
	blob *b;
	size_t i;

	for (i = 0; i < im->count; i++)
		if (strcmp(im->blobs[i].key, key) == 0)
			return &im->blobs[i];
	if (im->count == im->cap) {
		size_t cap = im->cap ? 2 * im->cap : 8;
		blob *n = realloc(im->blobs, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		im->blobs = n;
		im->cap = cap;
	}
	b = &im->blobs[im->count];
	memset(b, 0, sizeof(*b));
	if ((b->key = strdup(key)) == NULL)
		return NULL;
	im->count++;
	return b;
}

static void sums(const image *im, double now, cli_progress_image *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->eta = -1;
	if (im == NULL)
		return;
	for (i = 0; i < im->count; i++) {
		out->done += im->blobs[i].done;
		out->total += im->blobs[i].total;
		if (im->blobs[i].sent)
			out->uploaded++;
	}
	if (im->start >= 0)
		out->seconds = now - im->start;
	if (out->seconds > 0 && out->done > 0)
		out->rate = (double)out->done / out->seconds;
	if (out->rate > 0 && out->total >= out->done &&
	    (out->seconds >= ETA_AFTER_SECONDS || out->done >= ETA_AFTER_BYTES))
		out->eta = (double)(out->total - out->done) / out->rate;
}

void cli_progress_update(cli_progress *p, const char *asset,
    const char *destination, const ecra_xfer_event *xe, double now,
    cli_progress_image *out)
{
	const char *key = xe->digest ? xe->digest : xe->name;
	image *im = NULL;
	blob *b;

	if (p != NULL)
		im = find_image(p, asset, destination, true);
	/* Only bytes that are sent: no prepare (compression), manifest,
	 * skipped or mounted blob. */
	if (im != NULL && key != NULL &&
	    (xe->type == ECRA_XFER_BLOB_START ||
	        xe->type == ECRA_XFER_BLOB_PROGRESS ||
	        (xe->type == ECRA_XFER_BLOB_DONE &&
	            xe->outcome == ECRA_XFER_UPLOADED)) &&
	    (b = find_blob(im, key)) != NULL) {
		if (im->start < 0)
			im->start = now;
		b->total = xe->total;
		b->done = xe->done > xe->total ? xe->total : xe->done;
		b->sent = xe->type == ECRA_XFER_BLOB_DONE;
		if (b->sent)
			b->done = b->total;
	}
	sums(im, now, out);
}

bool cli_progress_get(cli_progress *p, const char *asset,
    const char *destination, double now, cli_progress_image *out)
{
	image *im = p ? find_image(p, asset, destination, false) : NULL;

	sums(im, now, out);
	return im != NULL && out->total > 0;
}

void cli_progress_bytes(char *buf, size_t size, double bytes)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB" };
	size_t u = 0;

	if (bytes < 1000) {
		snprintf(buf, size, "%.0f B", bytes);
		return;
	}
	bytes /= 1000;
	while (bytes >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes /= 1000;
		u++;
	}
	snprintf(buf, size, "%.1f %s", bytes, units[u]);
}
