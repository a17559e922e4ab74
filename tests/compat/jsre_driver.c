/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/compat/jsre_driver.c - run regexes through the internal
 * JavaScript regex engine (src/ignore/jsre.c) for jsre_diff.js.
 *
 * Reads a JSON array of [pattern, flags, subject] from stdin and writes,
 * per case, null (no match), the capture offsets [start, end, g1s, g1e,
 * ...] with -1 for undefined groups, {"error": why} for a pattern that
 * does not compile, or {"limit": why} when the step bound was hit.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ignore/jsre.h"

static json_t *run_case(json_t *c)
{
	const char *pat = json_string_value(json_array_get(c, 0));
	const char *flags = json_string_value(json_array_get(c, 1));
	const char *str = json_string_value(json_array_get(c, 2));
	ecra_u16 p = { 0 }, s = { 0 };
	ecra_jsre *re = NULL;
	const char *why = NULL;
	size_t caps[2 * 64], ng, k;
	json_t *out = NULL;
	bool m = false;

	if (pat == NULL || flags == NULL || str == NULL)
		return json_pack("{s:s}", "error", "bad case");
	if (ecra_jsre_utf8_to_utf16(&p, pat, strlen(pat)) < 0 ||
	    ecra_jsre_utf8_to_utf16(&s, str, strlen(str)) < 0) {
		out = json_pack("{s:s}", "error", "out of memory");
		goto done;
	}
	if (ecra_jsre_compile(&re, p.ptr, p.len,
	        strchr(flags, 'i') ? ECRA_JSRE_ICASE : 0, &why) < 0) {
		out = json_pack("{s:s}", "error", why ? why : "?");
		goto done;
	}
	ng = ecra_jsre_groups(re);
	if (ecra_jsre_exec(&m, re, s.ptr, s.len, 0, ng < 63 ? caps : NULL) <
	    0) {
		out = json_pack("{s:s}", "error", "out of memory");
		goto done;
	}
	if (!m) {
		out = json_null();
		goto done;
	}
	out = json_array();
	for (k = 0; ng < 63 && k < 2 * (ng + 1); k++)
		json_array_append_new(
		    out, json_integer(
		             caps[k] == SIZE_MAX ? -1 : (json_int_t)caps[k]));
done:
	ecra_jsre_free(re);
	ecra_u16_dispose(&p);
	ecra_u16_dispose(&s);
	return out;
}

int main(void)
{
	json_error_t jerr;
	json_t *cases = json_loadf(stdin, 0, &jerr), *c, *out;
	size_t i;

	if (cases == NULL || !json_is_array(cases)) {
		fprintf(stderr, "jsre_driver: bad input: %s\n", jerr.text);
		return 2;
	}
	out = json_array();
	json_array_foreach(cases, i, c)
	{
		json_array_append_new(out, run_case(c));
	}
	json_dumpf(out, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(out);
	json_decref(cases);
	return 0;
}
