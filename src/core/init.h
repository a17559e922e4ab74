/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/init.h - module teardown by registration: the bottom floor never
 * calls up. A module with process-wide state (libcurl's global init in
 * src/http) registers its release function when it sets that state up;
 * the last ecra_shutdown() calls every registered function, newest first.
 */
#ifndef SRC_CORE_INIT_H
#define SRC_CORE_INIT_H

/* The most functions that can be registered (one per module). */
#define ECRA_AT_SHUTDOWN_MAX 8

/*
 * Register `fn` to run at the last ecra_shutdown(). Registering the same
 * function again is a no-op, so it may be called on every set-up; it stays
 * registered after running (set-up may happen again after a new
 * ecra_init()), so `fn` must be safe to call when nothing is set up.
 * Returns 0, or ECRA_ETOOBIG when the table is full.
 */
int ecra_base_at_shutdown(void (*fn)(void));

#endif /* SRC_CORE_INIT_H */
