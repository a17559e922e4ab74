/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * util/dynlib.c - load a shared library on first use (see dynlib.h).
 */
#include "util/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

/* pthread_once() takes no argument: the library being loaded is passed
 * through a thread-local. */
static _Thread_local ecra_dynlib *loading;

static void load_once(void)
{
	ecra_dynlib *lib = loading;
	const char *why;
	void *handle, *sym;
	size_t i;

	/* Never closed: the functions stay valid for the process. */
	handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		why = dlerror();
		snprintf(lib->message, sizeof(lib->message), "%s",
		    why != NULL ? why : "dlopen failed");
		return;
	}
	for (i = 0; i < lib->count; i++) {
		(void)dlerror();
		sym = dlsym(handle, lib->names[i]);
		if (sym == NULL) {
			snprintf(lib->message, sizeof(lib->message),
			    "it has no symbol '%s'", lib->names[i]);
			return;
		}
		/* POSIX guarantees object and function pointers convert. */
		memcpy(&lib->fns[i], &sym, sizeof(sym));
	}
	lib->is_loaded = true;
}

int ecra_dynlib_load(ecra_dynlib *lib)
{
	loading = lib;
	(void)pthread_once(&lib->once, load_once);
	loading = NULL;
	if (!lib->is_loaded)
		return ecra_error_set(ECRA_EUNSUPPORTED,
		    "cannot load %s (%s): install the '%s' package",
		    lib->soname, lib->message, lib->package);
	return 0;
}
