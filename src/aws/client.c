/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * aws/client.c - one signed AWS call with bounded retries, shared by the
 * ECR (JSON 1.1) and STS (query) clients.
 *
 * Every attempt is signed afresh (new X-Amz-Date). Retried: transport
 * errors, HTTP 5xx and 429, and throttling/transient error names, up to
 * max_attempts requests in total, sleeping base * 2^(n-1) with up to 50%
 * jitter in between. Error names are normalised as the SDK does.
 */
#include "aws/aws.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "util/buf.h"

#define MAX_RESPONSE (4u * 1024 * 1024)

struct ecra_aws_service {
	char *service; /* signing name: "ecr", "sts" */
	ecra_http *http;
	char *region;
	char *endpoint; /* without trailing slash */
	char *host;     /* Host header value */
	char *path;     /* request path, at least "/" */
	ecra_aws_creds creds;
	unsigned int max_attempts;
	unsigned int base_delay_ms;
	unsigned long timeout_ms;
	ecra_aws_error last;
};

void ecra_aws_normalize_error_type(char *out, size_t size, const char *type)
{
	const char *s = type ? type : "", *hash = strrchr(s, '#');
	size_t len;

	if (hash != NULL)
		s = hash + 1;
	len = strcspn(s, ":");
	if (size == 0)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

void ecra_aws_service_free(ecra_aws_service *svc)
{
	if (svc == NULL)
		return;
	ecra_free(svc->service);
	ecra_free(svc->region);
	ecra_free(svc->endpoint);
	ecra_free(svc->host);
	ecra_free(svc->path);
	ecra_aws_creds_dispose(&svc->creds);
	ecra_free(svc);
}

const ecra_aws_error *ecra_aws_service_last_error(const ecra_aws_service *svc)
{
	return &svc->last;
}

int ecra_aws_service_new(ecra_aws_service **out, const char *service,
    const ecra_aws_service_options *opts)
{
	ecra_aws_service *svc = NULL;
	const char *ep, *host, *path;
	size_t hlen;
	int error = 0;

	ECRA_ASSERT_ARG(out);
	*out = NULL;
	ECRA_ASSERT_ARG(opts);
	ECRA_CHECK_VERSION(
	    opts, ECRA_AWS_SERVICE_OPTIONS_VERSION, ecra_aws_service_options);
	if (opts->http == NULL || opts->region == NULL ||
	    *opts->region == '\0' || opts->endpoint == NULL)
		return ecra_error_set(ECRA_EINVALID,
		    "an AWS client needs an HTTP client, a region and an "
		    "endpoint");
	if (opts->credentials.access_key_id == NULL ||
	    opts->credentials.secret_access_key == NULL)
		return ecra_error_set(ECRA_EAUTH, "no AWS credentials");
	ep = opts->endpoint;
	if (strncmp(ep, "https://", 8) == 0)
		host = ep + 8;
	else if (strncmp(ep, "http://", 7) == 0)
		host = ep + 7;
	else
		return ecra_error_set(ECRA_EINVALID,
		    "invalid endpoint URL '%s' (expected http:// or https://)",
		    ep);
	hlen = strcspn(host, "/?#");
	if (hlen == 0 || host[hlen] == '?' || host[hlen] == '#')
		return ecra_error_set(
		    ECRA_EINVALID, "invalid endpoint URL '%s'", ep);
	path = host + hlen;
	if ((svc = ecra_calloc(1, sizeof(*svc))) == NULL)
		return ECRA_ENOMEM;
	svc->service = ecra_strdup(service);
	svc->http = opts->http;
	svc->region = ecra_strdup(opts->region);
	svc->host = ecra_strndup(host, hlen);
	svc->path = ecra_strdup(*path ? path : "/");
	svc->endpoint = ecra_strndup(ep, (size_t)(path - ep));
	svc->max_attempts = opts->max_attempts ? opts->max_attempts : 3;
	svc->base_delay_ms = opts->base_delay_ms ? opts->base_delay_ms : 100;
	svc->timeout_ms = opts->timeout_ms;
	if (svc->service == NULL || svc->region == NULL || svc->host == NULL ||
	    svc->path == NULL || svc->endpoint == NULL ||
	    (error = ecra_aws_creds_copy(
	         &svc->creds, &opts->credentials, NULL)) < 0) {
		ecra_aws_service_free(svc);
		return ECRA_ENOMEM;
	}
	*out = svc;
	return 0;
}

static bool retryable_type(const char *t)
{
	static const char *const names[] = { "Throttling",
		"ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded",
		"BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException", "RequestTimeout",
		"RequestTimeoutException", "InternalError", "ServerException",
		"ServiceUnavailable", "IDPCommunicationError" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(t, names[i]) == 0)
			return true;
	return false;
}

static bool auth_type(const char *t)
{
	static const char *const names[] = { "UnrecognizedClientException",
		"InvalidSignatureException", "AccessDeniedException",
		"ExpiredTokenException", "MissingAuthenticationTokenException",
		"InvalidClientTokenId", "SignatureDoesNotMatch", "AccessDenied",
		"ExpiredToken", "MissingAuthenticationToken",
		"IncompleteSignature", "NotAuthorized" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(t, names[i]) == 0)
			return true;
	return false;
}

/* Text of the first <tag>...</tag> in xml, entity-decoded, bounded. */
void ecra_aws_xml_text(
    char *out, size_t size, const char *xml, size_t len, const char *tag)
{
	char open[80], close[80];
	const char *s, *e, *p;
	size_t o = 0;

	out[0] = '\0';
	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	if (xml == NULL || (s = strstr(xml, open)) == NULL)
		return;
	s += strlen(open);
	if ((e = strstr(s, close)) == NULL || e > xml + len)
		return;
	for (p = s; p < e && o + 1 < size; p++) {
		char c = *p;

		if (c == '&') {
			static const struct {
				const char *ent;
				char c;
			} ents[] = { { "&amp;", '&' }, { "&lt;", '<' },
				{ "&gt;", '>' }, { "&quot;", '"' },
				{ "&apos;", '\'' } };
			size_t k;

			for (k = 0; k < 5; k++)
				if (strncmp(p, ents[k].ent,
				        strlen(ents[k].ent)) == 0) {
					c = ents[k].c;
					p += strlen(ents[k].ent) - 1;
					break;
				}
		}
		out[o++] = c;
	}
	out[o] = '\0';
}

static void record_error(ecra_aws_service *svc, const ecra_http_response *res)
{
	ecra_json *j = NULL;
	const char *type = NULL, *msg = NULL;
	const char *ctype = ecra_http_response_header(res, "content-type");
	char buf[512];

	svc->last.status = res->status;
	svc->last.type[0] = '\0';
	svc->last.message[0] = '\0';
	if (res->body.size > 0 && res->body.ptr[0] == '{' &&
	    ecra_json_parse(&j, res->body.ptr, res->body.size, NULL, 0) == 0) {
		type = ecra_json_string(ecra_json_get(j, "__type"));
		if (type == NULL)
			type = ecra_json_string(ecra_json_get(j, "code"));
		msg = ecra_json_string(ecra_json_get(j, "message"));
		if (msg == NULL)
			msg = ecra_json_string(ecra_json_get(j, "Message"));
	} else if (res->body.size > 0 && (res->body.ptr[0] == '<' ||
	                                     (ctype && strstr(ctype, "xml")))) {
		ecra_aws_xml_text(svc->last.message, sizeof(svc->last.message),
		    res->body.ptr, res->body.size, "Message");
		ecra_aws_xml_text(
		    buf, sizeof(buf), res->body.ptr, res->body.size, "Code");
		ecra_aws_normalize_error_type(
		    svc->last.type, sizeof(svc->last.type), buf);
	}
	if (type == NULL && svc->last.type[0] == '\0')
		type = ecra_http_response_header(res, "x-amzn-errortype");
	if (type != NULL)
		ecra_aws_normalize_error_type(
		    svc->last.type, sizeof(svc->last.type), type);
	if (msg != NULL)
		snprintf(
		    svc->last.message, sizeof(svc->last.message), "%s", msg);
	if (svc->last.type[0] == '\0')
		snprintf(svc->last.type, sizeof(svc->last.type), "%s",
		    res->status >= 500 ? "ServiceUnavailable" : "UnknownError");
	if (svc->last.message[0] == '\0')
		snprintf(svc->last.message, sizeof(svc->last.message),
		    "HTTP %ld", res->status);
	/* keep messages one line */
	for (char *p = svc->last.message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	ecra_json_free(j);
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Random bytes for request ids and jitter (not secrets): getrandom(2)
 * straight from the kernel. OpenSSL's RAND_bytes() would first set up
 * its DRBG, about 6 M instructions (2 ms) per process. */
static bool random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static unsigned long backoff(const ecra_aws_service *svc, unsigned int n)
{
	unsigned long d = svc->base_delay_ms;
	unsigned char r = 0;

	while (--n > 0 && d < 20000)
		d *= 2;
	if (d > 20000)
		d = 20000;
	if (!random_bytes(&r, 1))
		r = 128;
	return d / 2 + (d / 2) * r / 255;
}

static void invocation_id(char out[37])
{
	unsigned char b[16];
	size_t i, o = 0;

	if (!random_bytes(b, sizeof(b)))
		memset(b, 0x5a, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		snprintf(out + o, 3, "%02x", b[i]);
		o += 2;
	}
	out[o] = '\0';
}

int ecra_aws_service_call(ecra_http_response *res, ecra_aws_service *svc,
    const char *operation, const char *target, const char *content_type,
    const char *body, size_t body_len)
{
	ecra_buf url = ECRA_BUF_INIT(0);
	char inv[37], sdkreq[64];
	unsigned int attempt;
	int error = 0;

	memset(res, 0, sizeof(*res));
	memset(&svc->last, 0, sizeof(svc->last));
	if ((error = ecra_buf_printf(&url, "%s%s", svc->endpoint, svc->path)) <
	    0)
		return error;
	invocation_id(inv);
	for (attempt = 1; attempt <= svc->max_attempts; attempt++) {
		ecra_aws_header sh[5];
		ecra_http_header hh[12];
		ecra_sigv4_request sreq;
		ecra_sigv4_options sopts = { .version = 1,
			.region = svc->region,
			.service = svc->service,
			.add_content_sha256 = true };
		ecra_sigv4_result sig;
		ecra_aws_credentials creds = ecra_aws_creds_view(&svc->creds);
		ecra_http_request req;
		size_t ns = 0, nh = 0, i;
		bool retry = false;

		ecra_http_response_dispose(res);
		snprintf(sdkreq, sizeof(sdkreq), "attempt=%u; max=%u", attempt,
		    svc->max_attempts);
		sh[ns].name = "Content-Type";
		sh[ns++].value = content_type;
		if (target != NULL) {
			sh[ns].name = "X-Amz-Target";
			sh[ns++].value = target;
		}
		sh[ns].name = "amz-sdk-invocation-id";
		sh[ns++].value = inv;
		sh[ns].name = "amz-sdk-request";
		sh[ns++].value = sdkreq;
		memset(&sreq, 0, sizeof(sreq));
		sreq.method = "POST";
		sreq.host = svc->host;
		sreq.path = svc->path;
		sreq.headers = sh;
		sreq.header_count = ns;
		sreq.body = body;
		sreq.body_len = body_len;
		if ((error = ecra_sigv4_sign(&sig, &creds, &sreq, &sopts)) < 0)
			goto done;
		for (i = 0; i < ns; i++) {
			hh[nh].name = sh[i].name;
			hh[nh++].value = sh[i].value;
		}
		hh[nh].name = "Host";
		hh[nh++].value = svc->host;
		hh[nh].name = "X-Amz-Date";
		hh[nh++].value = sig.amz_date;
		hh[nh].name = "X-Amz-Content-Sha256";
		hh[nh++].value = sig.content_sha256;
		if (sig.security_token) {
			hh[nh].name = "X-Amz-Security-Token";
			hh[nh++].value = sig.security_token;
		}
		hh[nh].name = "Authorization";
		hh[nh++].value = sig.authorization;
		hh[nh].name = "Accept";
		hh[nh++].value = "*/*";

		ecra_http_request_init(&req, "POST", url.ptr);
		req.headers = hh;
		req.header_count = nh;
		req.body = body;
		req.body_len = body_len;
		req.body_limit = MAX_RESPONSE;
		req.timeout_ms = svc->timeout_ms;
		error = ecra_http_send(res, svc->http, &req);
		ecra_sigv4_result_dispose(&sig);
		svc->last.attempts = attempt;
		if (error == ECRA_ENET) {
			svc->last.status = 0;
			snprintf(svc->last.type, sizeof(svc->last.type),
			    "NetworkingError");
			snprintf(svc->last.message, sizeof(svc->last.message),
			    "%s", ecra_error_last()->message);
			retry = true;
		} else if (error < 0) {
			goto done;
		} else if (res->status >= 200 && res->status < 300) {
			error = 0;
			goto done;
		} else {
			record_error(svc, res);
			retry = res->status >= 500 || res->status == 429 ||
			        retryable_type(svc->last.type);
		}
		if (!retry || attempt == svc->max_attempts)
			break;
		sleep_ms(backoff(svc, attempt));
	}
	/* failed: map the last error */
	if (error == ECRA_ENET) {
		ecra_error_wrap("%s %s", svc->service, operation);
	} else {
		int code = auth_type(svc->last.type) ? ECRA_EAUTH : ECRA_ERROR;

		error = ecra_error_set(
		    code, "%s: %s", svc->last.type, svc->last.message);
	}
done:
	ecra_buf_dispose(&url);
	return error;
}
