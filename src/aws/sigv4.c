/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aws/sigv4.c - AWS Signature Version 4 (HMAC-SHA256, OpenSSL libcrypto).
 *
 * canonical request = METHOD \n URI \n QUERY \n HEADERS \n \n SIGNED \n HASH
 * string to sign    = AWS4-HMAC-SHA256 \n DATE \n SCOPE \n hex(sha256(CR))
 * signing key       = HMAC chain "AWS4"+secret -> date -> region -> service
 *                     -> "aws4_request"
 * Checked against AWS's published SigV4 test suite (tests/unit/aws/sigv4.c).
 */
#include "aws/aws.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/alloc.h"
#include "core/error.h"
#include "util/buf.h"

typedef struct {
	char *name;  /* lower-case */
	char *value; /* trimmed, inner spaces collapsed */
	size_t order;
} hdr;

void ecra_aws_sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[32];
	unsigned int mdlen = 0, i;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '~';
}

int ecra_aws_uri_encode(
    ecra_buf *out, const char *s, size_t len, bool keep_slash)
{
	size_t i;
	int error;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c) || (keep_slash && c == '/'))
			error = ecra_buf_putc(out, (char)c);
		else
			error = ecra_buf_printf(out, "%%%02X", c);
		if (error < 0)
			return error;
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode then encode again: already-encoded and raw input give
 * the same canonical form. */
static int reencode(ecra_buf *out, const char *s, size_t len)
{
	ecra_buf raw = ECRA_BUF_INIT(0);
	size_t i;
	int error = 0;

	for (i = 0; i < len && error == 0; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			error = ecra_buf_putc(&raw,
			    (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			error = ecra_buf_putc(&raw, s[i]);
		}
	}
	if (error == 0)
		error = ecra_aws_uri_encode(
		    out, raw.ptr ? raw.ptr : "", raw.size, false);
	ecra_buf_dispose(&raw);
	return error;
}

/* Canonical URI: remove dot segments, collapse empty segments, keep a
 * trailing slash, encode each byte but '/' and unreserved ones. */
static int canonical_uri(ecra_buf *out, const char *path)
{
	const char **segs = NULL;
	size_t *lens = NULL, n = 0, cap, i, plen;
	const char *p, *end;
	int error = 0;

	if (path == NULL || *path == '\0')
		path = "/";
	plen = strlen(path);
	cap = plen / 2 + 2;
	segs = ecra_calloc(cap, sizeof(*segs));
	lens = ecra_calloc(cap, sizeof(*lens));
	if (segs == NULL || lens == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '/');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p || (end - p == 1 && p[0] == '.'))
			continue;
		if (end - p == 2 && p[0] == '.' && p[1] == '.') {
			if (n > 0)
				n--;
			continue;
		}
		segs[n] = p;
		lens[n] = (size_t)(end - p);
		n++;
	}
	if ((error = ecra_buf_putc(out, '/')) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if (i > 0 && (error = ecra_buf_putc(out, '/')) < 0)
			goto done;
		if ((error = ecra_aws_uri_encode(
		         out, segs[i], lens[i], false)) < 0)
			goto done;
	}
	if (n > 0 && path[plen - 1] == '/')
		error = ecra_buf_putc(out, '/');
done:
	ecra_free(segs);
	ecra_free(lens);
	return error;
}

typedef struct {
	char *key;
	char *value;
} qparam;

static int cmp_qparam(const void *a, const void *b)
{
	const qparam *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->value, y->value);
}

static int canonical_query(ecra_buf *out, const char *query)
{
	qparam *params = NULL;
	size_t n = 0, cap = 1, i;
	const char *p, *end, *eq;
	ecra_buf tmp = ECRA_BUF_INIT(0);
	int error = 0;

	if (query == NULL || *query == '\0')
		return 0;
	for (p = query; *p; p++)
		cap += *p == '&';
	if ((params = ecra_calloc(cap, sizeof(*params))) == NULL)
		return ECRA_ENOMEM;
	for (p = query;; p = end + 1) {
		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		if (end > p) {
			eq = memchr(p, '=', (size_t)(end - p));
			ecra_buf_clear(&tmp);
			if ((error = reencode(
			         &tmp, p, (size_t)((eq ? eq : end) - p))) < 0)
				goto done;
			params[n++].key = ecra_strdup(tmp.ptr ? tmp.ptr : "");
			ecra_buf_clear(&tmp);
			if (eq != NULL && (error = reencode(&tmp, eq + 1,
			                       (size_t)(end - eq - 1))) < 0)
				goto done;
			params[n - 1].value =
			    ecra_strdup(tmp.ptr ? tmp.ptr : "");
			if (params[n - 1].key == NULL ||
			    params[n - 1].value == NULL) {
				error = ECRA_ENOMEM;
				goto done;
			}
		}
		if (*end == '\0')
			break;
	}
	qsort(params, n, sizeof(*params), cmp_qparam);
	for (i = 0; i < n; i++)
		if ((error = ecra_buf_printf(out, "%s%s=%s", i ? "&" : "",
		         params[i].key, params[i].value)) < 0)
			goto done;
done:
	for (i = 0; i < n; i++) {
		ecra_free(params[i].key);
		ecra_free(params[i].value);
	}
	ecra_free(params);
	ecra_buf_dispose(&tmp);
	return error;
}

static int cmp_hdr(const void *a, const void *b)
{
	const hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Lower-case name; value trimmed with runs of whitespace collapsed. */
static int add_hdr(hdr *h, size_t *n, const char *name, const char *value)
{
	ecra_buf v = ECRA_BUF_INIT(0);
	const char *s = value ? value : "";
	bool space = false;
	size_t i;
	int error = 0;

	while (*s && isspace((unsigned char)*s))
		s++;
	for (; *s && error == 0; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space)
			error = ecra_buf_putc(&v, ' ');
		space = false;
		if (error == 0)
			error = ecra_buf_putc(&v, *s);
	}
	if (error < 0)
		goto done;
	h[*n].name = ecra_strdup(name);
	h[*n].value = ecra_buf_detach(&v);
	h[*n].order = *n;
	(*n)++;
	if (h[*n - 1].name == NULL || h[*n - 1].value == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; h[*n - 1].name[i]; i++)
		h[*n - 1].name[i] =
		    (char)tolower((unsigned char)h[*n - 1].name[i]);
done:
	ecra_buf_dispose(&v);
	return error;
}

static const char *find_hdr(const ecra_sigv4_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->header_count; i++) {
		const char *a = req->headers[i].name, *b = name;

		while (*a && *b && tolower((unsigned char)*a) == *b) {
			a++;
			b++;
		}
		if (*a == '\0' && *b == '\0')
			return req->headers[i].value;
	}
	return NULL;
}

static int hmac(
    unsigned char out[32], const void *key, size_t keylen, const char *msg)
{
	unsigned int len = 32;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg,
	        strlen(msg), out, &len) == NULL)
		return ecra_error_set(ECRA_ERROR, "HMAC-SHA256 failed");
	return 0;
}

void ecra_sigv4_result_dispose(ecra_sigv4_result *res)
{
	if (res == NULL)
		return;
	ecra_free(res->authorization);
	ecra_free(res->amz_date);
	ecra_free(res->security_token);
	ecra_free(res->content_sha256);
	ecra_free(res->canonical_request);
	ecra_free(res->string_to_sign);
	ecra_free(res->signed_headers);
	memset(res, 0, sizeof(*res));
}

int ecra_sigv4_sign(ecra_sigv4_result *out, const ecra_aws_credentials *creds,
    const ecra_sigv4_request *req, const ecra_sigv4_options *opts)
{
	ecra_buf cr = ECRA_BUF_INIT(0), sts = ECRA_BUF_INIT(0);
	ecra_buf signed_hdrs = ECRA_BUF_INIT(0), key = ECRA_BUF_INIT(0);
	ecra_buf auth = ECRA_BUF_INIT(0);
	hdr *h = NULL;
	size_t n = 0, i;
	char date[17], payload[65], crhash[65], sig[65];
	const char *amz_date, *payload_hash;
	unsigned char k[32];
	int error = 0;

	ECRA_ASSERT_ARG(out);
	memset(out, 0, sizeof(*out));
	ECRA_ASSERT_ARG(creds);
	ECRA_ASSERT_ARG(req);
	ECRA_ASSERT_ARG(opts);
	ECRA_CHECK_VERSION(
	    opts, ECRA_SIGV4_OPTIONS_VERSION, ecra_sigv4_options);
	if (creds->access_key_id == NULL || *creds->access_key_id == '\0' ||
	    creds->secret_access_key == NULL)
		return ecra_error_set(
		    ECRA_EINVALID, "cannot sign a request without credentials");
	if (opts->region == NULL || *opts->region == '\0' ||
	    opts->service == NULL || *opts->service == '\0')
		return ecra_error_set(ECRA_EINVALID,
		    "cannot sign a request without a region and service");
	if (req->method == NULL || req->host == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "cannot sign a request without a method and host");

	amz_date = find_hdr(req, "x-amz-date");
	if (amz_date == NULL) {
		time_t now = opts->now ? opts->now : time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%Y%m%dT%H%M%SZ", &tm);
		amz_date = date;
	}
	if (strlen(amz_date) != 16 || amz_date[8] != 'T')
		return ecra_error_set(
		    ECRA_EINVALID, "invalid X-Amz-Date '%s'", amz_date);

	payload_hash = req->payload_hash;
	if (payload_hash == NULL) {
		ecra_aws_sha256_hex(payload, req->body ? req->body : "",
		    req->body ? req->body_len : 0);
		payload_hash = payload;
	}

	if ((h = ecra_calloc(req->header_count + 4, sizeof(*h))) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; i < req->header_count; i++)
		if ((error = add_hdr(h, &n, req->headers[i].name,
		         req->headers[i].value)) < 0)
			goto done;
	if (find_hdr(req, "host") == NULL &&
	    (error = add_hdr(h, &n, "host", req->host)) < 0)
		goto done;
	if (amz_date == date &&
	    (error = add_hdr(h, &n, "x-amz-date", amz_date)) < 0)
		goto done;
	if (creds->session_token != NULL && *creds->session_token &&
	    find_hdr(req, "x-amz-security-token") == NULL &&
	    (error = add_hdr(
	         h, &n, "x-amz-security-token", creds->session_token)) < 0)
		goto done;
	if (opts->add_content_sha256 &&
	    find_hdr(req, "x-amz-content-sha256") == NULL &&
	    (error = add_hdr(h, &n, "x-amz-content-sha256", payload_hash)) < 0)
		goto done;
	qsort(h, n, sizeof(*h), cmp_hdr);

	/* canonical request */
	if ((error = ecra_buf_printf(&cr, "%s\n", req->method)) < 0 ||
	    (error = canonical_uri(&cr, req->path)) < 0 ||
	    (error = ecra_buf_putc(&cr, '\n')) < 0 ||
	    (error = canonical_query(&cr, req->query)) < 0 ||
	    (error = ecra_buf_putc(&cr, '\n')) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		bool first = i == 0 || strcmp(h[i].name, h[i - 1].name) != 0;
		bool last = i + 1 == n || strcmp(h[i].name, h[i + 1].name) != 0;

		if (first) {
			if ((error = ecra_buf_printf(&cr, "%s:", h[i].name)) <
			        0 ||
			    (error = ecra_buf_printf(&signed_hdrs, "%s%s",
			         signed_hdrs.size ? ";" : "", h[i].name)) < 0)
				goto done;
		} else if ((error = ecra_buf_putc(&cr, ',')) < 0) {
			goto done;
		}
		if ((error = ecra_buf_puts(&cr, h[i].value)) < 0 ||
		    (last && (error = ecra_buf_putc(&cr, '\n')) < 0))
			goto done;
	}
	if ((error = ecra_buf_printf(&cr, "\n%s\n%s",
	         signed_hdrs.ptr ? signed_hdrs.ptr : "", payload_hash)) < 0)
		goto done;

	/* string to sign */
	ecra_aws_sha256_hex(crhash, cr.ptr, cr.size);
	if ((error = ecra_buf_printf(&sts,
	         "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s", amz_date,
	         amz_date, opts->region, opts->service, crhash)) < 0)
		goto done;

	/* signing key and signature */
	{
		char day[9];

		memcpy(day, amz_date, 8);
		day[8] = '\0';
		if ((error = ecra_buf_printf(
		         &key, "AWS4%s", creds->secret_access_key)) < 0 ||
		    (error = hmac(k, key.ptr, key.size, day)) < 0 ||
		    (error = hmac(k, k, 32, opts->region)) < 0 ||
		    (error = hmac(k, k, 32, opts->service)) < 0 ||
		    (error = hmac(k, k, 32, "aws4_request")) < 0)
			goto done;
	}
	{
		unsigned char s[32];
		unsigned int slen = 32;

		if (HMAC(EVP_sha256(), k, 32, (const unsigned char *)sts.ptr,
		        sts.size, s, &slen) == NULL) {
			error =
			    ecra_error_set(ECRA_ERROR, "HMAC-SHA256 failed");
			goto done;
		}
		for (i = 0; i < 32; i++)
			snprintf(sig + 2 * i, 3, "%02x", s[i]);
	}
	if ((error = ecra_buf_printf(&auth,
	         "AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/%s/aws4_request, "
	         "SignedHeaders=%s, Signature=%s",
	         creds->access_key_id, amz_date, opts->region, opts->service,
	         signed_hdrs.ptr, sig)) < 0)
		goto done;

	out->authorization = ecra_buf_detach(&auth);
	out->amz_date = ecra_strdup(amz_date);
	out->canonical_request = ecra_buf_detach(&cr);
	out->string_to_sign = ecra_buf_detach(&sts);
	out->signed_headers = ecra_buf_detach(&signed_hdrs);
	if (creds->session_token != NULL && *creds->session_token)
		out->security_token = ecra_strdup(creds->session_token);
	if (opts->add_content_sha256)
		out->content_sha256 = ecra_strdup(payload_hash);
	if (out->authorization == NULL || out->amz_date == NULL ||
	    out->canonical_request == NULL || out->string_to_sign == NULL ||
	    out->signed_headers == NULL ||
	    (creds->session_token && *creds->session_token &&
	        out->security_token == NULL) ||
	    (opts->add_content_sha256 && out->content_sha256 == NULL)) {
		ecra_sigv4_result_dispose(out);
		error = ecra_error_set(ECRA_ENOMEM, "out of memory");
	}
done:
	if (h != NULL)
		for (i = 0; i < n; i++) {
			ecra_free(h[i].name);
			ecra_free(h[i].value);
		}
	ecra_free(h);
	OPENSSL_cleanse(k, sizeof(k));
	if (key.ptr)
		OPENSSL_cleanse(key.ptr, key.size);
	ecra_buf_dispose(&key);
	ecra_buf_dispose(&cr);
	ecra_buf_dispose(&sts);
	ecra_buf_dispose(&signed_hdrs);
	ecra_buf_dispose(&auth);
	return error;
}
