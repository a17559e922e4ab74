/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * base/base64.h - standard base64 (RFC 4648 section 4, padded), defined
 * once: docker config `auth` values, Basic credentials, ECR authorization
 * tokens. Bottom floor, not exported.
 */
#ifndef SRC_BASE_BASE64_H
#define SRC_BASE_BASE64_H

#include <stddef.h>

#include "util/buf.h"

/* The padded encoding of data[0..len), NUL-terminated; ecra_free() it
 * (wipe it first when it encodes a secret). NULL with ECRA_ENOMEM set. */
char *ecra_base64_encode(const void *data, size_t len);

/*
 * Append the decoding of `text` to `out` (NUL-terminated; the bytes may
 * contain NUL). Strict: the length is a multiple of 4, only the standard
 * alphabet, '=' only as one or two final pad characters, no whitespace.
 * Returns 0, ECRA_EINVALID ("invalid base64", `out` unchanged) or
 * ECRA_ENOMEM.
 */
int ecra_base64_decode(ecra_buf *out, const char *text);

#endif /* SRC_BASE_BASE64_H */
