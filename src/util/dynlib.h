/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * util/dynlib.h - load a shared library on first use.
 *
 * libcurl and libarchive (with some forty libraries behind them: TLS,
 * Kerberos, LDAP, compression, ICU) are only needed to publish. Linking
 * them made every command pay for loading them, about 15 ms of a 20 ms
 * start on the machines we measure, which is most of the cost of hashing
 * a small asset. So src/http and src/registry call thin, hidden
 * definitions of the few functions they use (curl_shim.c,
 * archive_shim.c), which load the real library with dlopen() by its
 * SONAME the first time one is called.
 */
#ifndef SRC_UTIL_DYNLIB_H
#define SRC_UTIL_DYNLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *soname;       /* e.g. "libcurl.so.4" */
	const char *package;      /* what to install, for the message */
	const char *const *names; /* symbols to resolve, in order */
	size_t count;             /* entries of names and fns */
	void (**fns)(void);       /* out: one per name */
	pthread_once_t once;      /* PTHREAD_ONCE_INIT */
	bool is_loaded;           /* every symbol resolved */
	char message[320];        /* why not, when not */
} ecra_dynlib;

/*
 * Load `lib` once per process (thread-safe). Returns 0, or ECRA_EUNSUPPORTED
 * with an error naming the library, the reason and the package to install.
 */
int ecra_dynlib_load(ecra_dynlib *lib);

#endif /* SRC_UTIL_DYNLIB_H */
