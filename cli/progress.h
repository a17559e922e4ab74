/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/progress.h - per-image byte counts of a publish run, summed from
 * the ECRA_EVENT_TRANSFER events of its blobs (done/total bytes, rate,
 * ETA), for the live status line, the success line and --json.
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include "cli/cli.h"

#include <stdint.h>

typedef struct cli_progress cli_progress;

/* One image's transfer so far. Blobs the registry already had or
 * mounted count in neither `done` nor `total`. */
typedef struct {
	uint64_t done;   /* bytes sent */
	uint64_t total;  /* bytes of the blobs being sent or sent */
	double seconds;  /* since its first blob started */
	double rate;     /* done / seconds, bytes/s; 0 when unknown */
	double eta;      /* seconds left at `rate`; < 0 when unknown */
	size_t uploaded; /* blobs sent */
} cli_progress_image;

/* NULL when out of memory (the CLI then shows no byte counts). */
cli_progress *cli_progress_new(void);
void cli_progress_free(cli_progress *p);

/* Record transfer event `xe` of entry (asset, destination), `now`
 * seconds on CLOCK_MONOTONIC; `*out` gets the image's sums. */
void cli_progress_update(cli_progress *p, const char *asset,
    const char *destination, const ecra_xfer_event *xe, double now,
    cli_progress_image *out);

/* The sums of entry (asset, destination): false when it sent nothing. */
bool cli_progress_get(cli_progress *p, const char *asset,
    const char *destination, double now, cli_progress_image *out);

/* Monotonic clock, seconds. */
double cli_progress_now(void);

/* `bytes` for people: "512 B", "12.3 kB", "45.6 MB", "1.2 GB" (powers
 * of 1000, as docker prints them). */
void cli_progress_bytes(char *buf, size_t size, double bytes);

#endif /* CLI_PROGRESS_H */
