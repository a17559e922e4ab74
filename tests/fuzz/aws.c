/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/fuzz/aws.c - the AWS parsers and the signer on arbitrary input.
 *
 * The input is NUL-separated fields (see fuzz_common.h): field 0 is loaded
 * as an AWS config file and field 1 as a credentials file (profile from
 * field 2), then the region, endpoints and credential chain are resolved;
 * fields 2.. are also signed as path, query and a header value, and
 * field 3 is scanned as an STS XML response. Nothing may crash or leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/aws.h"
#include "core/alloc.h"
#include "fuzz_common.h"

static void write_all(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		abort();
	fwrite(s, 1, strlen(s), f);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char cpath[64], kpath[64];
	fuzz_input in;
	ecra_aws_env env;
	ecra_aws_config_options co = { .version = 1, .env = &env };
	ecra_aws_config *cfg = NULL;
	const char *f0, *f1, *f2, *f3;

	if (fuzz_split(&in, data, size) < 0)
		return 0;
	f0 = in.fields[0];
	f1 = in.count > 1 ? in.fields[1] : "";
	f2 = in.count > 2 ? in.fields[2] : "";
	f3 = in.count > 3 ? in.fields[3] : "";
	if (cpath[0] == '\0') {
		snprintf(cpath, sizeof(cpath), "/tmp/ecra-fuzz-config-%d",
		    (int)getpid());
		snprintf(kpath, sizeof(kpath), "/tmp/ecra-fuzz-creds-%d",
		    (int)getpid());
	}
	write_all(cpath, f0);
	write_all(kpath, f1);
	memset(&env, 0, sizeof(env));
	env.config_file = cpath;
	env.credentials_file = kpath;
	env.profile = (in.npatterns & 1) ? f2 : NULL;
	co.profile = (in.npatterns & 2) ? f3 : NULL;
	if (ecra_aws_config_load(&cfg, &co) == 0) {
		ecra_aws_credential_plan plan;
		char *ep = NULL;

		(void)ecra_aws_config_region(cfg);
		(void)ecra_aws_config_max_attempts(cfg);
		if (ecra_aws_config_endpoint(&ep, cfg, "ecr", f2) == 0)
			ecra_free(ep);
		if (ecra_aws_config_credentials(&plan, cfg) == 0)
			ecra_aws_credential_plan_dispose(&plan);
		ecra_aws_config_free(cfg);
	}
	{
		ecra_aws_header h[] = { { "X-Fuzz", f3 }, { f2, f1 } };
		ecra_aws_credentials c = { "AKID", "secret", f3 };
		ecra_sigv4_request r = { .method = "POST",
			.host = "h",
			.path = f2,
			.query = f3,
			.headers = h,
			.header_count = 2,
			.body = f0,
			.body_len = strlen(f0) };
		ecra_sigv4_options o = { .version = 1,
			.region = "us-east-1",
			.service = "ecr",
			.now = 1,
			.add_content_sha256 = true };
		ecra_sigv4_result res;

		if (ecra_sigv4_sign(&res, &c, &r, &o) == 0)
			ecra_sigv4_result_dispose(&res);
	}
	{
		char out[256];

		ecra_aws_xml_text(out, sizeof(out), f3, strlen(f3), "Code");
		ecra_aws_normalize_error_type(out, sizeof(out), f3);
	}
	free(in.buf);
	return 0;
}
