/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * json/json.c - parse, inspect and build JSON values over jansson.
 *
 * An ecra_json is a jansson json_t behind an opaque name, so the rest of
 * the library never sees <jansson.h>. jansson (>= 2.8) keeps object keys
 * in insertion order, which the writer relies on. Numbers are parsed as
 * doubles, as JavaScript reads them.
 */
#include "json/json.h"

#include <jansson.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

#define J(v)  ((json_t *)(v))
#define CJ(v) ((const json_t *)(v))
#define E(v)  ((ecra_json *)(v))

#define DEFAULT_FILE_LIMIT (64u * 1024 * 1024)

int ecra_json_parse(ecra_json **out, const char *text, size_t len,
    const char *source, unsigned int flags)
{
	json_error_t jerr;
	size_t jflags = JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL;
	json_t *root;

	*out = NULL;
	if (flags & ECRA_JSON_REJECT_DUPLICATES)
		jflags |= JSON_REJECT_DUPLICATES;
	root = json_loadb(text, len, jflags, &jerr);
	if (root == NULL)
		return ecra_error_set(ECRA_EINVALID, "%s:%d:%d: %s",
		    source ? source : "<input>", jerr.line, jerr.column,
		    jerr.text);
	*out = E(root);
	return 0;
}

int ecra_json_load_file(
    ecra_json **out, const char *path, size_t limit, unsigned int flags)
{
	ecra_buf text = ECRA_BUF_INIT(limit ? limit : DEFAULT_FILE_LIMIT);
	int error;

	*out = NULL;
	if ((error = ecra_buf_read_file(&text, path)) == 0)
		error = ecra_json_parse(
		    out, text.ptr ? text.ptr : "", text.size, path, flags);
	ecra_buf_dispose(&text);
	return error;
}

ecra_json *ecra_json_ref(ecra_json *v)
{
	return E(json_incref(J(v)));
}

void ecra_json_free(ecra_json *v)
{
	json_decref(J(v));
}

ecra_json_type ecra_json_typeof(const ecra_json *v)
{
	switch (json_typeof(CJ(v))) {
	case JSON_OBJECT:
		return ECRA_JSON_OBJECT;
	case JSON_ARRAY:
		return ECRA_JSON_ARRAY;
	case JSON_STRING:
		return ECRA_JSON_STRING;
	case JSON_INTEGER:
		return ECRA_JSON_INT;
	case JSON_REAL:
		return ECRA_JSON_REAL;
	case JSON_TRUE:
	case JSON_FALSE:
		return ECRA_JSON_BOOL;
	default:
		return ECRA_JSON_NULL;
	}
}

const char *ecra_json_type_name(const ecra_json *v)
{
	if (v == NULL)
		return "undefined";
	switch (ecra_json_typeof(v)) {
	case ECRA_JSON_OBJECT:
		return "object";
	case ECRA_JSON_ARRAY:
		return "array";
	case ECRA_JSON_STRING:
		return "string";
	case ECRA_JSON_INT:
	case ECRA_JSON_REAL:
		return "number";
	case ECRA_JSON_BOOL:
		return "boolean";
	default:
		return "null";
	}
}

ecra_json *ecra_json_get(const ecra_json *obj, const char *key)
{
	if (obj == NULL || !json_is_object(CJ(obj)))
		return NULL;
	return E(json_object_get(CJ(obj), key));
}

size_t ecra_json_size(const ecra_json *v)
{
	if (v == NULL)
		return 0;
	if (json_is_array(CJ(v)))
		return json_array_size(CJ(v));
	if (json_is_object(CJ(v)))
		return json_object_size(CJ(v));
	return 0;
}

ecra_json *ecra_json_at(const ecra_json *arr, size_t i)
{
	if (arr == NULL || !json_is_array(CJ(arr)))
		return NULL;
	return E(json_array_get(CJ(arr), i));
}

const char *ecra_json_string(const ecra_json *v)
{
	return v ? json_string_value(CJ(v)) : NULL;
}

size_t ecra_json_string_len(const ecra_json *v)
{
	return v ? json_string_length(CJ(v)) : 0;
}

bool ecra_json_is_true(const ecra_json *v)
{
	return v != NULL && json_is_true(CJ(v));
}

bool ecra_json_is_bool(const ecra_json *v)
{
	return v != NULL && json_is_boolean(CJ(v));
}

bool ecra_json_is_number(const ecra_json *v)
{
	return v != NULL && json_is_number(CJ(v));
}

long long ecra_json_integer(const ecra_json *v)
{
	if (v == NULL)
		return 0;
	if (json_is_real(CJ(v)))
		return (long long)json_real_value(CJ(v));
	return json_integer_value(CJ(v));
}

double ecra_json_number(const ecra_json *v)
{
	return v ? json_number_value(CJ(v)) : 0.0;
}

void *ecra_json_iter(const ecra_json *obj)
{
	if (obj == NULL || !json_is_object(CJ(obj)))
		return NULL;
	return json_object_iter(J(obj));
}

void *ecra_json_iter_next(const ecra_json *obj, void *it)
{
	return json_object_iter_next(J(obj), it);
}

const char *ecra_json_iter_key(void *it)
{
	return json_object_iter_key(it);
}

ecra_json *ecra_json_iter_value(void *it)
{
	return E(json_object_iter_value(it));
}

static ecra_json *checked(json_t *v)
{
	if (v == NULL)
		ecra_error_set(ECRA_ENOMEM, "out of memory building JSON");
	return E(v);
}

ecra_json *ecra_json_object(void)
{
	return checked(json_object());
}

ecra_json *ecra_json_array(void)
{
	return checked(json_array());
}

ecra_json *ecra_json_strn(const char *s, size_t len)
{
	json_t *v = json_stringn(s, len);

	if (v == NULL)
		ecra_error_set(ECRA_EINVALID,
		    "string is not valid UTF-8 or memory is exhausted");
	return E(v);
}

ecra_json *ecra_json_str(const char *s)
{
	return ecra_json_strn(s, strlen(s));
}

ecra_json *ecra_json_int(long long i)
{
	return checked(json_integer(i));
}

ecra_json *ecra_json_real(double d)
{
	return checked(json_real(d));
}

ecra_json *ecra_json_bool(bool b)
{
	return checked(json_boolean(b));
}

ecra_json *ecra_json_null(void)
{
	return E(json_null());
}

int ecra_json_set_new(ecra_json *obj, const char *key, ecra_json *val)
{
	if (val == NULL)
		return ecra_error_last()->code < 0 ? ecra_error_last()->code
		                                   : ECRA_ENOMEM;
	if (json_object_set_new(J(obj), key, J(val)) < 0)
		return ecra_error_set(
		    ECRA_EINVALID, "cannot set JSON key '%s'", key);
	return 0;
}

int ecra_json_set(ecra_json *obj, const char *key, ecra_json *val)
{
	return ecra_json_set_new(obj, key, ecra_json_ref(val));
}

int ecra_json_set_str(ecra_json *obj, const char *key, const char *s)
{
	return ecra_json_set_new(obj, key, ecra_json_str(s));
}

int ecra_json_push_new(ecra_json *arr, ecra_json *val)
{
	if (val == NULL)
		return ecra_error_last()->code < 0 ? ecra_error_last()->code
		                                   : ECRA_ENOMEM;
	if (json_array_append_new(J(arr), J(val)) < 0)
		return ecra_error_set(
		    ECRA_ENOMEM, "cannot append to JSON array");
	return 0;
}

int ecra_json_push(ecra_json *arr, ecra_json *val)
{
	return ecra_json_push_new(arr, ecra_json_ref(val));
}

void ecra_json_del(ecra_json *obj, const char *key)
{
	json_object_del(J(obj), key);
}

ecra_json *ecra_json_copy(const ecra_json *v)
{
	return checked(json_deep_copy(CJ(v)));
}

bool ecra_json_equal(const ecra_json *a, const ecra_json *b)
{
	return json_equal(CJ(a), CJ(b)) != 0;
}
