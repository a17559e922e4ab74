/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * http/curl_shim.c - the libcurl functions http.c uses, loaded on first
 * use (util/dynlib.h says why).
 *
 * Each definition has libcurl's own name and signature, and is hidden
 * (the library's default visibility), so http.c is written against
 * <curl/curl.h> as usual, keeps curl's compile-time option type checks,
 * and nothing leaks out of libecrassets. The first call loads
 * libcurl.so.4 and runs curl_global_init(CURL_GLOBAL_DEFAULT) once.
 */
#define CURL_DISABLE_TYPECHECK 1 /* its macros would rename these */
#include <curl/curl.h>

#include <stdarg.h>

#include "core/error.h"
#include "core/init.h"
#include "http/http.h"
#include "util/dynlib.h"

static const char *const names[] = {
	"curl_global_init",
	"curl_global_cleanup",
	"curl_easy_init",
	"curl_easy_setopt",
	"curl_easy_perform",
	"curl_easy_cleanup",
	"curl_easy_getinfo",
	"curl_easy_reset",
	"curl_easy_strerror",
	"curl_slist_append",
	"curl_slist_free_all",
	"curl_share_init",
	"curl_share_setopt",
	"curl_share_cleanup",
};

enum {
	F_GLOBAL_INIT,
	F_GLOBAL_CLEANUP,
	F_EASY_INIT,
	F_EASY_SETOPT,
	F_EASY_PERFORM,
	F_EASY_CLEANUP,
	F_EASY_GETINFO,
	F_EASY_RESET,
	F_EASY_STRERROR,
	F_SLIST_APPEND,
	F_SLIST_FREE_ALL,
	F_SHARE_INIT,
	F_SHARE_SETOPT,
	F_SHARE_CLEANUP,
	F_COUNT
};

static void (*fns[F_COUNT])(void);

static ecra_dynlib curl_lib = {
	.soname = "libcurl.so.4",
	.package = "libcurl4",
	.names = names,
	.count = F_COUNT,
	.fns = fns,
	.once = PTHREAD_ONCE_INIT,
};

/* curl_global_init() state: lazily on the first handle, undone by
 * ecra_http_curl_release(). */
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static bool is_global_ready;

#define FN(type, which) ((type)fns[which])

int ecra_http_curl_ready(void)
{
	CURLcode rc = CURLE_OK;
	int error;

	if ((error = ecra_dynlib_load(&curl_lib)) < 0)
		return error;
	pthread_mutex_lock(&global_lock);
	if (!is_global_ready) {
		rc = FN(CURLcode(*)(long), F_GLOBAL_INIT)(CURL_GLOBAL_DEFAULT);
		is_global_ready = rc == CURLE_OK;
		if (is_global_ready)
			(void)ecra_base_at_shutdown(ecra_http_curl_release);
	}
	pthread_mutex_unlock(&global_lock);
	if (rc != CURLE_OK)
		return ecra_error_set(ECRA_ERROR,
		    "cannot initialise libcurl: %s", curl_easy_strerror(rc));
	return 0;
}

void ecra_http_curl_release(void)
{
	pthread_mutex_lock(&global_lock);
	if (is_global_ready)
		FN(void (*)(void), F_GLOBAL_CLEANUP)();
	is_global_ready = false;
	pthread_mutex_unlock(&global_lock);
}

/*
 * The shims. Handles only exist once ecra_http_curl_ready() succeeded,
 * so the functions taking one can call straight through; the others
 * load first and fail the way libcurl reports failure.
 */

CURL *curl_easy_init(void)
{
	if (ecra_http_curl_ready() < 0)
		return NULL;
	return FN(CURL * (*)(void), F_EASY_INIT)();
}

CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	va_list ap;
	CURLcode rc;

	/* The option number says the type of its one argument. */
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT) {
		long v = va_arg(ap, long);

		rc = FN(CURLcode(*)(CURL *, CURLoption, ...), F_EASY_SETOPT)(
		    curl, option, v);
	} else if (option < CURLOPTTYPE_FUNCTIONPOINT ||
	           option >= CURLOPTTYPE_BLOB) {
		void *v = va_arg(ap, void *);

		rc = FN(CURLcode(*)(CURL *, CURLoption, ...), F_EASY_SETOPT)(
		    curl, option, v);
	} else if (option < CURLOPTTYPE_OFF_T) {
		void (*v)(void) = va_arg(ap, void (*)(void));

		rc = FN(CURLcode(*)(CURL *, CURLoption, ...), F_EASY_SETOPT)(
		    curl, option, v);
	} else {
		curl_off_t v = va_arg(ap, curl_off_t);

		rc = FN(CURLcode(*)(CURL *, CURLoption, ...), F_EASY_SETOPT)(
		    curl, option, v);
	}
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *curl)
{
	return FN(CURLcode(*)(CURL *), F_EASY_PERFORM)(curl);
}

void curl_easy_cleanup(CURL *curl)
{
	if (curl != NULL)
		FN(void (*)(CURL *), F_EASY_CLEANUP)(curl);
}

CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	va_list ap;
	void *out;

	/* Every CURLINFO_* takes one pointer. */
	va_start(ap, info);
	out = va_arg(ap, void *);
	va_end(ap);
	return FN(CURLcode(*)(CURL *, CURLINFO, ...), F_EASY_GETINFO)(
	    curl, info, out);
}

void curl_easy_reset(CURL *curl)
{
	FN(void (*)(CURL *), F_EASY_RESET)(curl);
}

const char *curl_easy_strerror(CURLcode code)
{
	if (ecra_dynlib_load(&curl_lib) < 0)
		return "libcurl is not available";
	return FN(const char *(*)(CURLcode), F_EASY_STRERROR)(code);
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s)
{
	if (ecra_dynlib_load(&curl_lib) < 0)
		return NULL;
	return FN(struct curl_slist * (*)(struct curl_slist *, const char *),
	    F_SLIST_APPEND)(list, s);
}

void curl_slist_free_all(struct curl_slist *list)
{
	if (list != NULL)
		FN(void (*)(struct curl_slist *), F_SLIST_FREE_ALL)(list);
}

CURLSH *curl_share_init(void)
{
	if (ecra_http_curl_ready() < 0)
		return NULL;
	return FN(CURLSH * (*)(void), F_SHARE_INIT)();
}

CURLSHcode curl_share_setopt(CURLSH *share, CURLSHoption option, ...)
{
	typedef CURLSHcode (*setopt_fn)(CURLSH *, CURLSHoption, ...);
	va_list ap;
	CURLSHcode rc;

	/* As libcurl reads them: an int for (UN)SHARE, a function for the
	 * lock callbacks, a pointer otherwise. */
	va_start(ap, option);
	if (option == CURLSHOPT_SHARE || option == CURLSHOPT_UNSHARE) {
		int v = va_arg(ap, int);

		rc = FN(setopt_fn, F_SHARE_SETOPT)(share, option, v);
	} else if (option == CURLSHOPT_LOCKFUNC ||
	           option == CURLSHOPT_UNLOCKFUNC) {
		void (*v)(void) = va_arg(ap, void (*)(void));

		rc = FN(setopt_fn, F_SHARE_SETOPT)(share, option, v);
	} else {
		void *v = va_arg(ap, void *);

		rc = FN(setopt_fn, F_SHARE_SETOPT)(share, option, v);
	}
	va_end(ap);
	return rc;
}

CURLSHcode curl_share_cleanup(CURLSH *share)
{
	if (share == NULL)
		return CURLSHE_OK;
	return FN(CURLSHcode(*)(CURLSH *), F_SHARE_CLEANUP)(share);
}
