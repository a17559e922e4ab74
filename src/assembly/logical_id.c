/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * assembly/logical_id.c - logical ids as aws-cdk-lib's makeUniqueId()
 * allocates them, and the digests synthesis needs.
 *
 * Components named "Default" are dropped. A single component keeps its
 * alphanumeric characters (if at most 255 remain). Otherwise the human
 * part is the components with "Resource" dropped and a component skipped
 * when the previous one ends with it, alphanumerics only, cut to 240
 * characters; then the first 8 hex digits (upper case) of md5 over the
 * components joined by '/'.
 */
#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>

#include "assembly/assembly.h"
#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

static int digest_hex(char *out, const EVP_MD *md, const void *data, size_t len)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	static const char hex[] = "0123456789abcdef";

	if (EVP_Digest(data, len, d, &n, md, NULL) != 1)
		return ecra_error_set(ECRA_ERROR, "digest failed");
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
	return 0;
}

int ecra_assembly_sha256_hex(char out[65], const void *data, size_t len)
{
	return digest_hex(out, EVP_sha256(), data, len);
}

static int put_alnum(ecra_buf *b, const char *s)
{
	for (; *s; s++)
		if (isalnum((unsigned char)*s) && ecra_buf_putc(b, *s) < 0)
			return ECRA_ENOMEM;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return lx <= ls && memcmp(s + ls - lx, suffix, lx) == 0;
}

int ecra_assembly_unique_id(
    char **out, const char *const *components, size_t count)
{
	ecra_buf human = ECRA_BUF_INIT(0), joined = ECRA_BUF_INIT(0);
	const char **kept = NULL;
	const char *prev = NULL;
	char md5[33];
	size_t n = 0, i;
	int rc = 0;

	*out = NULL;
	kept = ecra_calloc(count + 1, sizeof(*kept));
	if (kept == NULL)
		return ecra_error_set(ECRA_ENOMEM, "out of memory");
	for (i = 0; i < count; i++)
		if (strcmp(components[i], "Default") != 0)
			kept[n++] = components[i];
	if (n == 0) {
		rc = ecra_error_set(ECRA_EINVALID,
		    "Unable to calculate a unique id for an empty set of "
		    "components");
		goto done;
	}
	if (n == 1) {
		if ((rc = put_alnum(&human, kept[0])) < 0)
			goto done;
		if (human.size <= 255) {
			*out = ecra_buf_detach(&human);
			if (*out == NULL)
				*out = ecra_strdup("");
			rc = *out ? 0 : ECRA_ENOMEM;
			goto done;
		}
		ecra_buf_clear(&human);
	}
	for (i = 0; i < n; i++) {
		if ((i > 0 && ecra_buf_putc(&joined, '/') < 0) ||
		    ecra_buf_puts(&joined, kept[i]) < 0) {
			rc = ECRA_ENOMEM;
			goto done;
		}
	}
	if ((rc = digest_hex(md5, EVP_md5(), joined.ptr, joined.size)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		/* removeDupes runs before "Resource" is filtered out. */
		if (prev != NULL && ends_with(prev, kept[i]))
			continue;
		prev = kept[i];
		if (strcmp(kept[i], "Resource") == 0)
			continue;
		if ((rc = put_alnum(&human, kept[i])) < 0)
			goto done;
	}
	if (human.size > 240)
		ecra_buf_truncate(&human, 240);
	for (i = 0; i < 8; i++)
		if (ecra_buf_putc(
		        &human, (char)toupper((unsigned char)md5[i])) < 0) {
			rc = ECRA_ENOMEM;
			goto done;
		}
	*out = ecra_buf_detach(&human);
	rc = *out ? 0 : ECRA_ENOMEM;
done:
	ecra_buf_dispose(&human);
	ecra_buf_dispose(&joined);
	ecra_free(kept);
	return rc;
}
