/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/compat/ignore_driver.c - answer ignore queries for the
 * differential tests.
 *
 * Reads one JSON array of cases from stdin:
 *   [{"mode": "glob"|"git"|"docker", "patterns": [...],
 *     "queries": [["a/b.txt", false], ["a", true], ...]}, ...]
 * where the boolean selects completelyIgnores (a directory) instead of
 * ignores. Writes one JSON array with, per case, either an array of
 * results (true, false, or {"error": "..."} per query) or
 * {"error": "..."} when the patterns did not compile.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ecrassets.h"

static json_t *run_case(json_t *c)
{
	const char *mode_name = json_string_value(json_object_get(c, "mode"));
	json_t *pats = json_object_get(c, "patterns");
	json_t *queries = json_object_get(c, "queries");
	const char **patterns = NULL;
	ecra_ignore_mode mode;
	ecra_ignore *ig = NULL;
	json_t *result = NULL, *q;
	size_t i, n = json_array_size(pats);

	if (mode_name == NULL || ecra_ignore_mode_parse(&mode, mode_name) < 0)
		return json_pack("{s:s}", "error", "bad mode");
	patterns = calloc(n ? n : 1, sizeof(*patterns));
	for (i = 0; i < n; i++)
		patterns[i] = json_string_value(json_array_get(pats, i));
	if (ecra_ignore_new(&ig, mode, patterns, n) < 0) {
		result =
		    json_pack("{s:s}", "error", ecra_error_last()->message);
		goto done;
	}
	result = json_array();
	json_array_foreach(queries, i, q)
	{
		const char *path = json_string_value(json_array_get(q, 0));
		bool dir = json_is_true(json_array_get(q, 1));
		bool out = false;
		int rc = dir ? ecra_ignore_completely_ignores(&out, ig, path)
		             : ecra_ignore_ignores(&out, ig, path);
		if (rc < 0)
			json_array_append_new(
			    result, json_pack("{s:s}", "error",
			                ecra_error_last()->message));
		else
			json_array_append_new(result, json_boolean(out));
	}
done:
	ecra_ignore_free(ig);
	free(patterns);
	return result;
}

int main(void)
{
	json_error_t jerr;
	json_t *cases = json_loadf(stdin, 0, &jerr), *c, *out;
	size_t i;

	if (cases == NULL || !json_is_array(cases)) {
		fprintf(stderr, "ignore_driver: bad input: %s\n", jerr.text);
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
