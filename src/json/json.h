/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * json/json.h - JSON values: parse, inspect, build, and write exactly as
 * JavaScript's JSON.stringify does.
 *
 * The only module that includes <jansson.h>. An ecra_json is reference
 * counted; functions named *_new steal the value passed to them (even on
 * failure), all others borrow. Objects keep insertion order. The writer
 * reproduces JSON.stringify(value, null, indent) byte for byte: integer-like
 * keys first in ascending numeric order, then the rest in insertion order;
 * JS string escaping; JS number formatting. Values are not thread-safe.
 */
#ifndef SRC_JSON_JSON_H
#define SRC_JSON_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "ecrassets/buf.h"

typedef struct ecra_json ecra_json;

typedef enum {
	ECRA_JSON_NULL = 0,
	ECRA_JSON_BOOL,
	ECRA_JSON_INT,
	ECRA_JSON_REAL,
	ECRA_JSON_STRING,
	ECRA_JSON_ARRAY,
	ECRA_JSON_OBJECT,
} ecra_json_type;

/* Parse flags. */
#define ECRA_JSON_REJECT_DUPLICATES 0x1 /* duplicate object keys are errors */

/*
 * Parse `len` bytes. On error the message reads
 * "<source>:<line>:<column>: <what>" (source may be NULL: "<input>").
 * Returns 0 or ECRA_EINVALID.
 */
int ecra_json_parse(ecra_json **out, const char *text, size_t len,
    const char *source, unsigned int flags);
/* Read and parse a file of at most `limit` bytes (0: 64 MiB). */
int ecra_json_load_file(
    ecra_json **out, const char *path, size_t limit, unsigned int flags);

/* Reference counting; ecra_json_free(NULL) is a no-op. */
ecra_json *ecra_json_ref(ecra_json *v);
void ecra_json_free(ecra_json *v);

ecra_json_type ecra_json_typeof(const ecra_json *v);
/* "null", "boolean", "number", "string", "array" or "object" (JS names). */
const char *ecra_json_type_name(const ecra_json *v);

/* Accessors: NULL / false / 0 when `v` is NULL or of another type. */
ecra_json *ecra_json_get(const ecra_json *obj, const char *key);
size_t ecra_json_size(const ecra_json *v); /* array length or key count */
ecra_json *ecra_json_at(const ecra_json *arr, size_t i);
const char *ecra_json_string(const ecra_json *v);
size_t ecra_json_string_len(const ecra_json *v);
bool ecra_json_is_true(const ecra_json *v);
bool ecra_json_is_bool(const ecra_json *v);
bool ecra_json_is_number(const ecra_json *v);
long long ecra_json_integer(const ecra_json *v);
double ecra_json_number(const ecra_json *v);

/* Object iteration in insertion order:
 *   for (it = ecra_json_iter(o); it; it = ecra_json_iter_next(o, it))
 *       use ecra_json_iter_key(it), ecra_json_iter_value(it)
 * Do not modify the object while iterating. */
void *ecra_json_iter(const ecra_json *obj);
void *ecra_json_iter_next(const ecra_json *obj, void *it);
const char *ecra_json_iter_key(void *it);
ecra_json *ecra_json_iter_value(void *it);

/* Builders: return NULL on ENOMEM (or invalid UTF-8 for strings, with
 * ECRA_EINVALID set). */
ecra_json *ecra_json_object(void);
ecra_json *ecra_json_array(void);
ecra_json *ecra_json_str(const char *s);
ecra_json *ecra_json_strn(const char *s, size_t len);
ecra_json *ecra_json_int(long long i);
ecra_json *ecra_json_real(double d);
ecra_json *ecra_json_bool(bool b);
ecra_json *ecra_json_null(void);

/* Set obj[key] = val. _new steals val (also on failure); the plain form
 * takes a new reference. Replacing a key keeps its original position. */
int ecra_json_set_new(ecra_json *obj, const char *key, ecra_json *val);
int ecra_json_set(ecra_json *obj, const char *key, ecra_json *val);
/* Convenience: obj[key] = string s (copied). */
int ecra_json_set_str(ecra_json *obj, const char *key, const char *s);
/* Append to an array. */
int ecra_json_push_new(ecra_json *arr, ecra_json *val);
int ecra_json_push(ecra_json *arr, ecra_json *val);
/* Remove a key; missing keys are fine. */
void ecra_json_del(ecra_json *obj, const char *key);
/* A deep copy, or NULL on ENOMEM. */
ecra_json *ecra_json_copy(const ecra_json *v);
/* Structural equality (object key order ignored). */
bool ecra_json_equal(const ecra_json *a, const ecra_json *b);

/*
 * Append JSON.stringify(v, null, indent) to `out` (indent 0 = compact; at
 * most 10, as JS clamps). No trailing newline.
 */
int ecra_json_write(ecra_buf *out, const ecra_json *v, unsigned int indent);

/* True when `key` is a canonical array index ("0".."4294967294"), which
 * JS objects order before all other keys. */
bool ecra_json_key_is_index(const char *key);

#endif /* SRC_JSON_JSON_H */
