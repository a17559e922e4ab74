/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/json.h - a small JSON reader/writer for the CLI's own files.
 *
 * The CLI is a plain client of the public API, which has no JSON reader;
 * it needs one for cdk.json / cdk.context.json / ~/.cdk.json (settings and
 * context, merged and passed on as CDK_CONTEXT_JSON) and for reading cloud
 * assemblies (`ecr-assets ls`). Objects keep their key order. Numbers keep
 * their source text. Strings are NUL-terminated UTF-8 (a "\u0000" escape
 * is rejected).
 */
#ifndef CLI_JSON_H
#define CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	CJ_NULL = 0,
	CJ_BOOL,
	CJ_NUMBER,
	CJ_STRING,
	CJ_ARRAY,
	CJ_OBJECT,
} cj_type;

typedef struct cj cj;
struct cj {
	cj_type type;
	bool boolean; /* CJ_BOOL */
	char *text;   /* CJ_STRING value, CJ_NUMBER source text */
	char **keys;  /* CJ_OBJECT keys, parallel to items */
	cj **items;   /* CJ_ARRAY / CJ_OBJECT members */
	size_t count;
	size_t cap;
};

/*
 * Parse `len` bytes of JSON text. On error returns NULL and writes
 * "line L column C: <what>" into err (1-based, columns count bytes).
 */
cj *cj_parse(const char *text, size_t len, char *err, size_t errlen);
/* Read and parse a file; NULL with err set ("cannot read: ..." or a
 * parse error) on failure. *missing is set when the file does not exist. */
cj *cj_parse_file(const char *path, bool *missing, char *err, size_t errlen);
void cj_free(cj *v);

cj *cj_new(cj_type type);
cj *cj_new_string(const char *s);
cj *cj_new_bool(bool b);
cj *cj_dup(const cj *v);

/* The member `key` of an object, or NULL (also when v is not an object). */
cj *cj_get(const cj *v, const char *key);
/* The string value of member `key`, or NULL. */
const char *cj_get_string(const cj *v, const char *key);
/* Set (replace in place, or append) an object member; takes ownership
 * of val. Returns 0, or -1 when out of memory (val is freed). */
int cj_set(cj *obj, const char *key, cj *val);
/* Append to an array; takes ownership. 0 or -1. */
int cj_push(cj *arr, cj *val);
/* Deep-merge src into dst (objects merge key by key, everything else is
 * replaced), as the CDK CLI's Settings.merge does. 0 or -1. */
int cj_merge(cj *dst, const cj *src);

/* Compact text as JavaScript's JSON.stringify writes it; ecra_free()-able
 * with free(). NULL when out of memory. */
char *cj_dump(const cj *v);

#endif /* CLI_JSON_H */
