/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ecrassets/common.h - macros shared by every public header.
 *
 * ECRA_API marks exported symbols (the library is built with hidden
 * visibility); ECRA_BEGIN_DECL/ECRA_END_DECL make headers usable from C++.
 */
#ifndef ECRA_COMMON_H
#define ECRA_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Marks a function as part of the exported API. */
#if defined(__GNUC__) || defined(__clang__)
#define ECRA_API __attribute__((visibility("default")))
#else
#define ECRA_API
#endif

/** Lets the compiler check printf-style format strings. */
#if defined(__GNUC__) || defined(__clang__)
#define ECRA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ECRA_PRINTF(fmt, args)
#endif

/** Wrap declarations so C++ callers get C linkage. */
#ifdef __cplusplus
#define ECRA_BEGIN_DECL extern "C" {
#define ECRA_END_DECL   }
#else
#define ECRA_BEGIN_DECL
#define ECRA_END_DECL
#endif

ECRA_BEGIN_DECL

/**
 * Initialise the library's global state (reference-counted).
 *
 * Call once before anything that talks to the network; every call must
 * be matched by ecra_shutdown(). Pure functions (hashing, synthesis) work
 * without it.
 *
 * @return the new reference count (> 0), or a negative ecra_error_code
 */
ECRA_API int ecra_init(void);

/**
 * Release what ecra_init() set up once the last reference is gone.
 *
 * @return the remaining reference count (>= 0)
 */
ECRA_API int ecra_shutdown(void);

/**
 * Release memory the library handed to the caller as a plain pointer
 * (strings and arrays documented as "free with ecra_free()").
 *
 * @param ptr the block, or NULL (a no-op)
 */
ECRA_API void ecra_free(void *ptr);

ECRA_END_DECL

#endif /* ECRA_COMMON_H */
