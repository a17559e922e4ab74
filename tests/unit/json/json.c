/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/json/json.c - parsing, building and JSON.stringify output.
 *
 * Expected strings were produced by node's JSON.stringify (v20).
 */
#include "helpers.h"

#include "core/alloc.h"
#include "json/json.h"
#include "util/buf.h"

static char *stringify(const char *text, unsigned indent)
{
	ecra_json *v = NULL;
	ecra_buf out = ECRA_BUF_INIT(0);

	assert_ok(ecra_json_parse(&v, text, strlen(text), "t", 0));
	assert_ok(ecra_json_write(&out, v, indent));
	ecra_json_free(v);
	return ecra_buf_detach(&out);
}

static void check(const char *text, unsigned indent, const char *expected)
{
	char *got = stringify(text, indent);

	assert_string_equal(got, expected);
	ecra_free(got);
}

static void json_json_orders_integer_keys_first(void **state)
{
	(void)state;
	/* JSON.stringify({B:"2","10":"x","2":"y","01":"z"}) */
	check("{\"B\":\"2\",\"10\":\"x\",\"2\":\"y\",\"01\":\"z\"}", 0,
	    "{\"2\":\"y\",\"10\":\"x\",\"B\":\"2\",\"01\":\"z\"}");
	check("{\"4294967295\":1,\"4294967294\":2,\"-1\":3,\"1.5\":4}", 0,
	    "{\"4294967294\":2,\"4294967295\":1,\"-1\":3,\"1.5\":4}");
}

static void json_json_escapes_like_js(void **state)
{
	(void)state;
	check("\"a\\\"b\\\\c\\/d\\u0001\\u001f\\b\\f\\n\\r\\t\\u007f\\u2028é\"",
	    0,
	    "\"a\\\"b\\\\c/d\\u0001\\u001f\\b\\f\\n\\r\\t\x7f\xe2\x80\xa8"
	    "\xc3\xa9\"");
}

static void json_json_indents_like_js(void **state)
{
	(void)state;
	check("{\"a\":[1,{\"b\":{}},[]],\"c\":{\"d\":null}}", 2,
	    "{\n  \"a\": [\n    1,\n    {\n      \"b\": {}\n    },\n    []\n"
	    "  ],\n  \"c\": {\n    \"d\": null\n  }\n}");
	check("[]", 2, "[]");
	check("{}", 1, "{}");
}

static void json_json_formats_numbers_like_js(void **state)
{
	(void)state;
	check("[0.1,1.5,100,1e21,1e-7,123456789012345680000,0.000001,-2.5e-10,"
	      "1.0,3.14159]",
	    0,
	    "[0.1,1.5,100,1e+21,1e-7,123456789012345680000,0.000001,"
	    "-2.5e-10,1,3.14159]");
}

static void json_json_reports_line_and_column(void **state)
{
	ecra_json *v = NULL;
	const char *text = "{\n  \"a\": 1,\n  \"b\": ]\n}";

	(void)state;
	assert_fails_with(ECRA_EINVALID,
	    ecra_json_parse(&v, text, strlen(text), "app.json", 0));
	assert_null(v);
	assert_error_contains("app.json:3:");
}

static void json_json_rejects_duplicates_on_request(void **state)
{
	ecra_json *v = NULL;
	const char *text = "{\"a\":1,\"a\":2}";

	(void)state;
	assert_fails_with(ECRA_EINVALID, ecra_json_parse(&v, text, strlen(text),
	                                     "x", ECRA_JSON_REJECT_DUPLICATES));
	assert_ok(ecra_json_parse(&v, text, strlen(text), "x", 0));
	assert_int_equal(ecra_json_integer(ecra_json_get(v, "a")), 2);
	ecra_json_free(v);
}

static void json_json_builds_and_iterates_in_order(void **state)
{
	ecra_json *o = ecra_json_object(), *a = ecra_json_array();
	ecra_buf out = ECRA_BUF_INIT(0);
	const char *keys[3];
	size_t n = 0;
	void *it;

	(void)state;
	assert_ok(ecra_json_set_str(o, "z", "1"));
	assert_ok(ecra_json_set_new(o, "a", ecra_json_int(2)));
	assert_ok(ecra_json_push_new(a, ecra_json_bool(true)));
	assert_ok(ecra_json_push_new(a, ecra_json_null()));
	assert_ok(ecra_json_set_new(o, "m", a));
	assert_ok(ecra_json_set_str(o, "z", "replaced"));
	for (it = ecra_json_iter(o); it; it = ecra_json_iter_next(o, it))
		keys[n++] = ecra_json_iter_key(it);
	assert_int_equal(n, 3);
	assert_string_equal(keys[0], "z");
	assert_string_equal(keys[2], "m");
	assert_ok(ecra_json_write(&out, o, 0));
	assert_string_equal(
	    out.ptr, "{\"z\":\"replaced\",\"a\":2,\"m\":[true,null]}");
	assert_string_equal(ecra_json_type_name(a), "array");
	ecra_buf_dispose(&out);
	ecra_json_free(o);
}

static void json_json_round_trips(void **state)
{
	const char *text =
	    "{\"version\":\"48.0.0\",\"files\":{\"x\":{\"source\":"
	    "{\"path\":\"a.json\"}}},\"n\":[1,2.5,\"s\"]}";
	ecra_json *a = NULL, *b = NULL;
	ecra_buf out = ECRA_BUF_INIT(0);

	(void)state;
	assert_ok(ecra_json_parse(&a, text, strlen(text), "t", 0));
	assert_ok(ecra_json_write(&out, a, 2));
	assert_ok(ecra_json_parse(&b, out.ptr, out.size, "t", 0));
	assert_true(ecra_json_equal(a, b));
	ecra_json_free(a);
	ecra_json_free(b);
	ecra_buf_dispose(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_json_orders_integer_keys_first),
		cmocka_unit_test(json_json_escapes_like_js),
		cmocka_unit_test(json_json_indents_like_js),
		cmocka_unit_test(json_json_formats_numbers_like_js),
		cmocka_unit_test(json_json_reports_line_and_column),
		cmocka_unit_test(json_json_rejects_duplicates_on_request),
		cmocka_unit_test(json_json_builds_and_iterates_in_order),
		cmocka_unit_test(json_json_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
