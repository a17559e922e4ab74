/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * registry/registry.c - OCI distribution client: auth, manifests, blobs.
 *
 * Every request goes through request(), which adds the Authorization the
 * registry asked for: on a 401 it reads WWW-Authenticate and either sends
 * Basic credentials or fetches a Bearer token from the realm (with Basic
 * credentials if it has any) for the challenge's scope, then retries once.
 * Tokens are cached per scope. The transport is src/http (registry/
 * transport.c), which never forwards Authorization across hosts.
 */
#include "registry/registry_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/base64.h"
#include "core/alloc.h"
#include "core/error.h"
#include "ecrassets/registry.h"
#include "http/http.h"
#include "json/json.h"
#include "util/buf.h"

#define MANIFEST_LIMIT (8u * 1024 * 1024)
#define DEFAULT_CHUNK  (16u * 1024 * 1024)
#define ACCEPT_MANIFESTS                                  \
	ECRA_MT_DOCKER_MANIFEST ", " ECRA_MT_DOCKER_LIST  \
	                        ", " ECRA_MT_OCI_MANIFEST \
	                        ", " ECRA_MT_OCI_INDEX

static const ecra_http_header accept_manifests[] = { { "Accept",
    ACCEPT_MANIFESTS } };

/* Wipe the string values of a token answer before it is freed (the
 * parsed document keeps its own copy of the token). */
static void wipe_json_strings(ecra_json *doc)
{
	void *it;

	for (it = ecra_json_iter(doc); it; it = ecra_json_iter_next(doc, it))
		ecra_wipe_str(
		    (char *)ecra_json_string(ecra_json_iter_value(it)));
}

/* ---------------------------------------------------------------------- */
/* Hosts                                                                   */

/* An IPv4 literal in dotted-quad form (four decimal parts 0-255, no
 * leading zeros: "127.0.0.010" is octal to some resolvers). */
static bool ipv4_literal(const char *s, size_t n, unsigned char out[4])
{
	size_t i = 0, part;

	for (part = 0; part < 4; part++) {
		unsigned int v = 0;
		size_t start = i;

		if (part > 0) {
			if (i >= n || s[i] != '.')
				return false;
			start = ++i;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned int)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		out[part] = (unsigned char)v;
	}
	return i == n;
}

/* A port: 1 to 65535 in decimal, no sign, no leading zero. */
static bool valid_port(const char *s)
{
	unsigned long v = 0;
	size_t i;

	if (s[0] == '\0' || s[0] == '0')
		return false;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5)
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v <= 65535;
}

/* A DNS name as registries use them: labels of letters, digits, '-' and
 * '_' (no leading or trailing '-'), 1-63 bytes each, 253 in all. */
static bool dns_name(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0 && s[n - 1] != '-';
}

typedef struct {
	const char *name; /* without brackets */
	size_t name_len;
	bool bracketed;   /* "[v6]" */
	const char *port; /* NULL = none */
} host_parts;

/* Split "name[:port]" / "[v6][:port]" without checking the parts. */
static bool split_host(host_parts *hp, const char *host)
{
	const char *colon;

	memset(hp, 0, sizeof(*hp));
	if (host[0] == '[') {
		const char *close = strchr(host, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return false;
		hp->name = host + 1;
		hp->name_len = (size_t)(close - host - 1);
		hp->bracketed = true;
		hp->port = close[1] == ':' ? close + 2 : NULL;
		return true;
	}
	colon = strchr(host, ':');
	if (colon != NULL && strchr(colon + 1, ':') != NULL)
		return false; /* a bare IPv6 literal needs brackets */
	hp->name = host;
	hp->name_len = colon ? (size_t)(colon - host) : strlen(host);
	hp->port = colon ? colon + 1 : NULL;
	return true;
}

static bool ipv6_literal(const char *s, size_t n, struct in6_addr *out)
{
	char tmp[INET6_ADDRSTRLEN + 1];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, out) == 1;
}

int ecra_registry_host_check(const char *host)
{
	host_parts hp;
	unsigned char v4[4];
	struct in6_addr v6;

	if (host == NULL || host[0] == '\0')
		return ecra_error_set(ECRA_EINVALID, "empty registry host");
	if (!split_host(&hp, host))
		return ecra_error_set(ECRA_EINVALID,
		    "registry '%s' is not HOST[:PORT] (an IPv6 address goes "
		    "in brackets: [::1]:5000)",
		    host);
	if (hp.bracketed ? !ipv6_literal(hp.name, hp.name_len, &v6)
	                 : !(ipv4_literal(hp.name, hp.name_len, v4) ||
	                       dns_name(hp.name, hp.name_len)))
		return ecra_error_set(ECRA_EINVALID,
		    "registry '%s': '%.*s' is not a host name or IP address",
		    host, (int)hp.name_len, hp.name);
	if (hp.port != NULL && !valid_port(hp.port))
		return ecra_error_set(ECRA_EINVALID,
		    "registry '%s': port '%s' is not a number from 1 to 65535",
		    host, hp.port);
	return 0;
}

bool ecra_registry_host_is_loopback(const char *host)
{
	host_parts hp;
	unsigned char v4[4];
	struct in6_addr v6;

	if (host == NULL || !split_host(&hp, host) ||
	    (hp.port != NULL && !valid_port(hp.port)))
		return false;
	if (hp.bracketed)
		return ipv6_literal(hp.name, hp.name_len, &v6) &&
		       IN6_IS_ADDR_LOOPBACK(&v6);
	if (hp.name_len == 9 && strncasecmp(hp.name, "localhost", 9) == 0)
		return true;
	return ipv4_literal(hp.name, hp.name_len, v4) && v4[0] == 127;
}

/* Do host[:port] a and b name the same host (ASCII case ignored) and,
 * with `ports`, the same port? */
static bool same_host(const char *a, const char *b, bool ports)
{
	host_parts pa, pb;

	if (!split_host(&pa, a) || !split_host(&pb, b))
		return false;
	if (pa.name_len != pb.name_len ||
	    strncasecmp(pa.name, pb.name, pa.name_len) != 0)
		return false;
	if (!ports)
		return true;
	return (pa.port == NULL) == (pb.port == NULL) &&
	       (pa.port == NULL || strcmp(pa.port, pb.port) == 0);
}

bool ecra_registry_host_insecure(
    const char *host, const char *const *insecure, size_t count)
{
	size_t i;

	for (i = 0; host != NULL && i < count; i++) {
		host_parts hp;

		if (insecure[i] == NULL || !split_host(&hp, insecure[i]))
			continue;
		/* "HOST" allows every port of HOST, "HOST:PORT" that one */
		if (same_host(host, insecure[i], hp.port != NULL))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Names (OCI distribution spec, "Pulling manifests"; ECR's limits)        */

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool name_component(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;

		while (i < n && lower_alnum(s[i]))
			i++, run++;
		if (run == 0)
			return false;
		if (i == n)
			return true;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i += i + 1 < n && s[i + 1] == '_' ? 2 : 1;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i == n)
			return false; /* a separator must be followed */
	}
	return false;
}

bool ecra_registry_repository_valid(const char *name)
{
	const char *p = name, *slash;

	if (name == NULL)
		return false;
	for (;;) {
		slash = strchr(p, '/');
		if (!name_component(p, slash ? (size_t)(slash - p) : strlen(p)))
			return false;
		if (slash == NULL)
			return true;
		p = slash + 1;
	}
}

int ecra_registry_check_repository(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n < ECRA_REGISTRY_REPOSITORY_MIN ||
	    n > ECRA_REGISTRY_REPOSITORY_MAX)
		return ecra_error_set(ECRA_EINVALID,
		    "repository name '%s' must be %d to %d characters long "
		    "(it has %zu)",
		    name ? name : "", ECRA_REGISTRY_REPOSITORY_MIN,
		    ECRA_REGISTRY_REPOSITORY_MAX, n);
	if (!ecra_registry_repository_valid(name))
		return ecra_error_set(ECRA_EINVALID,
		    "repository name '%s' is not "
		    "valid: " ECRA_REGISTRY_NAME_RULE,
		    name);
	return 0;
}

bool ecra_registry_tag_valid(const char *tag)
{
	size_t i;

	if (tag == NULL || !(isalnum((unsigned char)tag[0]) || tag[0] == '_'))
		return false;
	for (i = 1; tag[i]; i++)
		if (i >= 128 || !(isalnum((unsigned char)tag[i]) ||
		                    strchr("._-", tag[i]) != NULL))
			return false;
	return (unsigned char)tag[0] < 0x80;
}

int ecra_registry_check_tag(const char *tag)
{
	if (!ecra_registry_tag_valid(tag))
		return ecra_error_set(ECRA_EINVALID,
		    "image tag '%s' is not valid: " ECRA_REGISTRY_TAG_RULE,
		    tag ? tag : "");
	return 0;
}

/* algorithm:encoded, [a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+ */
static bool digest_valid(const char *d)
{
	const char *colon = strchr(d, ':'), *p;
	bool sep_ok = false;

	if (colon == NULL || colon == d || colon[1] == '\0')
		return false;
	for (p = d; p < colon; p++) {
		if (lower_alnum(*p))
			sep_ok = true;
		else if (strchr("+._-", *p) != NULL && sep_ok && p + 1 < colon)
			sep_ok = false;
		else
			return false;
	}
	if (!sep_ok)
		return false;
	for (p = colon + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("=_-", *p) == NULL)
			return false;
	return true;
}

/* Append `s` percent-encoding all but RFC 3986 unreserved characters,
 * ':' and '@' (and '/' when `slashes`). */
static int escape_segment(ecra_buf *b, const char *s, bool slashes)
{
	int error = 0;

	for (; *s && error == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || strchr("-._~:@", c) || (slashes && c == '/'))
			error = ecra_buf_putc(b, (char)c);
		else
			error = ecra_buf_printf(b, "%%%02X", c);
	}
	return error;
}

/*
 * "/v2/<repo>/<kind>/<ref>" for a request: the repository must match the
 * distribution grammar and `ref` (NULL = none) be a tag or a digest, so
 * nothing like "a/../b", "a?b" or "a#b" can name another path; every
 * segment is escaped as well.
 */
static int api_path(
    ecra_buf *out, const char *repo, const char *kind, const char *ref)
{
	int error;

	ecra_buf_clear(out);
	if (!ecra_registry_repository_valid(repo))
		return ecra_error_set(ECRA_EINVALID,
		    "repository name '%s' is not "
		    "valid: " ECRA_REGISTRY_NAME_RULE,
		    repo ? repo : "");
	if (ref != NULL && !ecra_registry_tag_valid(ref) && !digest_valid(ref))
		return ecra_error_set(ECRA_EINVALID,
		    "'%s' is neither an image tag nor a digest", ref);
	if ((error = ecra_buf_puts(out, "/v2/")) < 0 ||
	    (error = escape_segment(out, repo, true)) < 0 ||
	    (error = ecra_buf_printf(out, "/%s", kind)) < 0)
		return error;
	if (ref != NULL && ((error = ecra_buf_putc(out, '/')) < 0 ||
	                       (error = escape_segment(out, ref, false)) < 0))
		return error;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Credentials                                                             */

/* The host part of an `auths` key ("https://h:p/v1/" -> "h:p"). */
static bool auth_key_matches(const char *key, const char *host)
{
	const char *p = strstr(key, "://");
	size_t n;

	p = p ? p + 3 : key;
	n = strcspn(p, "/");
	return strlen(host) == n && strncmp(p, host, n) == 0;
}

static int creds_from_config(ecra_registry *r, const char *dir)
{
	ecra_buf path = ECRA_BUF_INIT(0);
	ecra_json *cfg = NULL, *auths;
	char *plain = NULL, *colon;
	ecra_buf dec = ECRA_BUF_INIT(0);
	void *it;
	int error = 0;

	if (dir == NULL || dir[0] == '\0')
		return 0;
	if ((error = ecra_buf_printf(&path, "%s/config.json", dir)) < 0)
		goto done;
	if (ecra_json_load_file(&cfg, path.ptr, 0, 0) < 0) {
		ecra_error_clear(); /* no usable config: anonymous */
		goto done;
	}
	auths = ecra_json_get(cfg, "auths");
	for (it = ecra_json_iter(auths); it;
	     it = ecra_json_iter_next(auths, it)) {
		ecra_json *e = ecra_json_iter_value(it);
		const char *a = ecra_json_string(ecra_json_get(e, "auth"));
		const char *u = ecra_json_string(ecra_json_get(e, "username"));
		const char *p = ecra_json_string(ecra_json_get(e, "password"));

		if (!auth_key_matches(ecra_json_iter_key(it), r->host))
			continue;
		if (a != NULL && a[0] != '\0') {
			if (ecra_base64_decode(&dec, a) < 0 ||
			    (plain = ecra_buf_detach(&dec)) == NULL ||
			    (colon = strchr(plain, ':')) == NULL) {
				error = ecra_error_set(ECRA_EINVALID,
				    "malformed 'auth' for '%s' in '%s'",
				    ecra_json_iter_key(it), path.ptr);
				goto done;
			}
			*colon = '\0';
			if ((r->username = ecra_strdup(plain)) == NULL ||
			    (r->password = ecra_strdup(colon + 1)) == NULL)
				error = ECRA_ENOMEM;
			goto done;
		}
		if (u != NULL && p != NULL) {
			if ((r->username = ecra_strdup(u)) == NULL ||
			    (r->password = ecra_strdup(p)) == NULL)
				error = ECRA_ENOMEM;
			goto done;
		}
	}
done:
	ecra_wipe_str(plain);
	ecra_free(plain);
	ecra_json_free(cfg);
	ecra_buf_dispose(&path);
	return error;
}

int ecra_registry_new(ecra_registry **out, const ecra_registry_options *o)
{
	ecra_registry *r = NULL;
	int error;

	ECRA_ASSERT_ARG(out);
	ECRA_ASSERT_ARG(o);
	ECRA_ASSERT_ARG(o->host);
	*out = NULL;
	if ((o->username == NULL) != (o->password == NULL))
		return ecra_error_set(ECRA_EINVALID,
		    "a registry username needs a password and vice versa");
	if ((r = ecra_calloc(1, sizeof(*r))) == NULL)
		return ECRA_ENOMEM;
	r->timeout_ms = o->timeout_ms ? o->timeout_ms : 300000;
	r->chunk_size = o->chunk_size;
	r->cancel = o->cancel;
	if ((r->host = ecra_strdup(o->host)) == NULL ||
	    (r->base = ecra_alloc(strlen(o->host) + 16)) == NULL ||
	    (o->ca_file && (r->ca_file = ecra_strdup(o->ca_file)) == NULL) ||
	    (o->https_proxy &&
	        (r->https_proxy = ecra_strdup(o->https_proxy)) == NULL) ||
	    (o->http_proxy &&
	        (r->http_proxy = ecra_strdup(o->http_proxy)) == NULL) ||
	    (o->no_proxy && (r->no_proxy = ecra_strdup(o->no_proxy)) == NULL)) {
		error = ECRA_ENOMEM;
		goto fail;
	}
	sprintf(r->base, "%s://%s", o->plain_http ? "http" : "https", o->host);
	if (o->username != NULL) {
		if ((r->username = ecra_strdup(o->username)) == NULL ||
		    (r->password = ecra_strdup(o->password)) == NULL) {
			error = ECRA_ENOMEM;
			goto fail;
		}
	} else if ((error = creds_from_config(r, o->docker_config)) < 0) {
		goto fail;
	}
	if ((error = ecra_registry_transport_init(r)) < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	ecra_registry_free(r);
	return error;
}

void ecra_registry_free(ecra_registry *r)
{
	size_t i;

	if (r == NULL)
		return;
	ecra_registry_transport_dispose(r);
	ecra_wipe_str(r->password);
	for (i = 0; i < r->token_count; i++) {
		ecra_free(r->tokens[i].scope);
		ecra_wipe_str(r->tokens[i].value);
		ecra_free(r->tokens[i].value);
	}
	ecra_free(r->tokens);
	ecra_free(r->host);
	ecra_free(r->base);
	ecra_free(r->ca_file);
	ecra_free(r->https_proxy);
	ecra_free(r->http_proxy);
	ecra_free(r->no_proxy);
	ecra_free(r->username);
	ecra_free(r->password);
	ecra_free(r);
}

const char *ecra_registry_host(const ecra_registry *r)
{
	return r->host;
}

/* ---------------------------------------------------------------------- */
/* Auth                                                                    */

void ecra_registry_resp_dispose(ecra_registry_resp *resp)
{
	ecra_buf_dispose(&resp->body);
	ecra_free(resp->location);
	ecra_free(resp->www_authenticate);
	ecra_free(resp->content_type);
	ecra_free(resp->digest);
	ecra_free(resp->range);
	memset(resp, 0, sizeof(*resp));
}

char *ecra_registry_challenge_param(const char *ch, const char *key)
{
	const char *p = ch;
	size_t kl = strlen(key);

	while (*p && !isspace((unsigned char)*p))
		p++;
	while (*p) {
		const char *k, *v;
		size_t vl;
		bool quoted;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		k = p;
		while (*p && *p != '=' && *p != ',' && *p != ' ')
			p++;
		if (*p != '=')
			continue;
		p++;
		quoted = *p == '"';
		if (quoted)
			p++;
		v = p;
		while (*p && (quoted ? *p != '"' : (*p != ',' && *p != ' ')))
			p++;
		vl = (size_t)(p - v);
		if (quoted && *p == '"')
			p++;
		if ((size_t)(v - k) - 1 - (quoted ? 1 : 0) == kl &&
		    strncasecmp(k, key, kl) == 0)
			return ecra_strndup(v, vl);
	}
	return NULL;
}

static const char *cached_token(ecra_registry *r, const char *scope)
{
	size_t i;

	for (i = 0; i < r->token_count; i++)
		if (strcmp(r->tokens[i].scope, scope) == 0)
			return r->tokens[i].value;
	return NULL;
}

/* Takes `value` ("Bearer ..."), even on failure. */
static int cache_token(ecra_registry *r, const char *scope, char *value)
{
	ecra_registry_token *t;
	size_t i;

	for (i = 0; i < r->token_count; i++)
		if (strcmp(r->tokens[i].scope, scope) == 0) {
			ecra_wipe_str(r->tokens[i].value);
			ecra_free(r->tokens[i].value);
			r->tokens[i].value = value;
			return 0;
		}
	t = ecra_realloc(r->tokens, (r->token_count + 1) * sizeof(*t));
	if (t == NULL) {
		ecra_wipe_str(value);
		ecra_free(value);
		return ECRA_ENOMEM;
	}
	r->tokens = t;
	t[r->token_count].value = value;
	if ((t[r->token_count].scope = ecra_strdup(scope)) == NULL) {
		ecra_wipe_str(value);
		ecra_free(value);
		return ECRA_ENOMEM;
	}
	r->token_count++;
	return 0;
}

/* The Authorization value "Basic <base64 user:password>"; every
 * intermediate copy is wiped. */
static char *basic_value(const ecra_registry *r)
{
	ecra_buf plain = ECRA_BUF_INIT(0), hdr = ECRA_BUF_INIT(0);
	char *b64 = NULL, *out = NULL;

	if (ecra_buf_printf(&plain, "%s:%s", r->username, r->password) < 0 ||
	    (b64 = ecra_base64_encode(plain.ptr, plain.size)) == NULL ||
	    ecra_buf_printf(&hdr, "Basic %s", b64) < 0)
		goto done;
	out = ecra_buf_detach(&hdr);
done:
	if (plain.ptr != NULL)
		ecra_wipe(plain.ptr, plain.size);
	if (hdr.ptr != NULL)
		ecra_wipe(hdr.ptr, hdr.size);
	ecra_wipe_str(b64);
	ecra_free(b64);
	ecra_buf_dispose(&plain);
	ecra_buf_dispose(&hdr);
	return out;
}

static int url_encode(ecra_buf *b, const char *s)
{
	int error = 0;

	for (; *s && error == 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || strchr("-._~", c))
			error = ecra_buf_putc(b, (char)c);
		else
			error = ecra_buf_printf(b, "%%%02X", c);
	}
	return error;
}

int ecra_registry_token_from_answer(
    char **value, const char *host, const char *body, size_t len)
{
	ecra_buf hdr = ECRA_BUF_INIT(0);
	ecra_json *doc = NULL;
	const char *tok;
	int error = 0;

	*value = NULL;
	if (ecra_json_parse(&doc, body, len, "token response", 0) < 0) {
		ecra_error_clear();
		return ecra_error_set(ECRA_ERROR,
		    "registry '%s': malformed token response", host);
	}
	tok = ecra_json_string(ecra_json_get(doc, "token"));
	if (tok == NULL || tok[0] == '\0')
		tok = ecra_json_string(ecra_json_get(doc, "access_token"));
	if (tok == NULL || tok[0] == '\0')
		error = ecra_error_set(ECRA_ERROR,
		    "registry '%s': the token response has no token", host);
	else if (strpbrk(tok, "\r\n") != NULL)
		error = ecra_error_set(ECRA_ERROR,
		    "registry '%s': the token holds a line break", host);
	else if ((error = ecra_buf_printf(&hdr, "Bearer %s", tok)) == 0 &&
	         (*value = ecra_buf_detach(&hdr)) == NULL)
		error = ECRA_ENOMEM;
	/* the parsed document keeps its own copy of the token */
	wipe_json_strings(doc);
	ecra_json_free(doc);
	ecra_wipe(hdr.ptr, hdr.size);
	ecra_buf_dispose(&hdr);
	return error;
}

/* May the Basic credentials go to the token service at `realm`? Over
 * https, or plain http to a loopback host or to the registry's own
 * origin (which the user chose to speak http to). */
static bool realm_safe(const ecra_registry *r, const char *realm)
{
	ecra_buf origin = ECRA_BUF_INIT(0);
	bool ok;

	if (strncasecmp(realm, "https://", 8) == 0)
		return true;
	if (strncasecmp(realm, "http://", 7) != 0)
		return false;
	ok = ecra_registry_same_origin(realm, r->base) ||
	     (ecra_registry_url_origin(&origin, realm) == 0 &&
	         ecra_registry_host_is_loopback(origin.ptr + 7));
	ecra_error_clear();
	ecra_buf_dispose(&origin);
	return ok;
}

/* Fetch a Bearer token for the challenge and cache it under `scope`. */
static int fetch_token(
    ecra_registry *r, const char *challenge, const char *scope)
{
	char *realm = ecra_registry_challenge_param(challenge, "realm");
	char *service = ecra_registry_challenge_param(challenge, "service");
	char *chscope = ecra_registry_challenge_param(challenge, "scope");
	ecra_buf url = ECRA_BUF_INIT(0);
	ecra_registry_resp resp;
	char *basic = NULL, *value = NULL;
	const char *sc = chscope != NULL ? chscope : scope;
	int error;

	memset(&resp, 0, sizeof(resp));
	if (realm == NULL) {
		error = ecra_error_set(ECRA_EAUTH,
		    "registry '%s' sent a Bearer challenge without a realm",
		    r->host);
		goto done;
	}
	if (strncasecmp(realm, "https://", 8) != 0 &&
	    strncasecmp(realm, "http://", 7) != 0) {
		error = ecra_error_set(ECRA_EAUTH,
		    "registry '%s' names a token service that is not an "
		    "http(s) URL",
		    r->host);
		goto done;
	}
	if (r->username != NULL && !realm_safe(r, realm)) {
		ecra_http_redact_url(&url, realm);
		error = ecra_error_set(ECRA_EAUTH,
		    "registry '%s' names a token service over plain http on "
		    "another host ('%s'): the credentials are not sent there",
		    r->host, url.ptr);
		goto done;
	}
	if ((error = ecra_buf_printf(
	         &url, "%s%s", realm, strchr(realm, '?') ? "&" : "?")) < 0)
		goto done;
	if (service != NULL && ((error = ecra_buf_puts(&url, "service=")) < 0 ||
	                           (error = url_encode(&url, service)) < 0 ||
	                           (error = ecra_buf_putc(&url, '&')) < 0))
		goto done;
	{
		/* A scope may hold several space-separated scopes. */
		const char *p = sc;

		while (*p) {
			size_t n = strcspn(p, " ");
			char *one = ecra_strndup(p, n);

			if (one == NULL) {
				error = ECRA_ENOMEM;
				goto done;
			}
			error = ecra_buf_puts(&url, "scope=");
			if (error == 0)
				error = url_encode(&url, one);
			if (error == 0)
				error = ecra_buf_putc(&url, '&');
			ecra_free(one);
			if (error < 0)
				goto done;
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	ecra_buf_truncate(&url, url.size - 1);
	if (r->username != NULL && (basic = basic_value(r)) == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	/* The answer holds the token: its buffer is wiped below. */
	if ((error = ecra_registry_xfer(
	         r, "GET", url.ptr, basic, NULL, 0, NULL, 0, &resp)) < 0)
		goto done;
	if ((resp.status == 401 || resp.status == 403) && basic == NULL) {
		error = ecra_error_set(ECRA_EAUTH,
		    "registry '%s' requires authentication and no credentials "
		    "were given for it (token service answered HTTP %d)",
		    r->host, resp.status);
		goto done;
	}
	if (resp.status == 401 || resp.status == 403) {
		error = ecra_error_set(ECRA_EAUTH,
		    "registry '%s' refused the credentials (token service "
		    "answered HTTP %d)",
		    r->host, resp.status);
		goto done;
	}
	if (resp.status != 200) {
		r->transient = ecra_registry_status_transient(resp.status);
		error = ecra_error_set(ECRA_ERROR,
		    "registry '%s': token service answered HTTP %d", r->host,
		    resp.status);
		goto done;
	}
	if ((error = ecra_registry_token_from_answer(&value, r->host,
	         resp.body.ptr ? resp.body.ptr : "", resp.body.size)) < 0)
		goto done;
	error = cache_token(r, scope, value);
done:
	ecra_wipe(resp.body.ptr, resp.body.size);
	ecra_registry_resp_dispose(&resp);
	ecra_wipe_str(basic);
	ecra_free(basic);
	ecra_free(realm);
	ecra_free(service);
	ecra_free(chscope);
	ecra_buf_dispose(&url);
	return error;
}

/*
 * Send a request to the registry (`url` absolute, or a path starting with
 * '/'), authenticating for `scope` as needed.
 */
int ecra_registry_request(ecra_registry *r, const char *method, const char *url,
    const char *scope, const ecra_http_header *extra, size_t count,
    const void *body, size_t len, ecra_registry_resp *resp)
{
	ecra_buf full = ECRA_BUF_INIT(0);
	const char *auth;
	char *basic = NULL;
	size_t limit = resp->body.limit;
	bool ours;
	int attempt, error = 0;

	memset(resp, 0, sizeof(*resp));
	resp->body.limit = limit;
	r->transient = false;
	if (url[0] == '/') {
		if ((error = ecra_buf_printf(&full, "%s%s", r->base, url)) < 0)
			goto done;
		url = full.ptr;
	}
	/* An upload Location on a blob store (S3, GCS, a CDN) is another
	 * origin: it gets neither the credentials nor a token, and a 401
	 * from it is not answered (docker and containerd do the same). */
	ours = ecra_registry_same_origin(url, r->base);
	for (attempt = 0; attempt < 2; attempt++) {
		auth = ours ? cached_token(r, scope) : NULL;
		if (ours && auth == NULL && r->basic_ok &&
		    r->username != NULL) {
			if (basic == NULL && (basic = basic_value(r)) == NULL) {
				error = ECRA_ENOMEM;
				goto done;
			}
			auth = basic;
		}
		ecra_registry_resp_dispose(resp);
		resp->body.limit = limit;
		if ((error = ecra_registry_xfer(r, method, url, auth, extra,
		         count, body, len, resp)) < 0)
			goto done;
		if (resp->status != 401 || attempt == 1 || !ours)
			break;
		/* 401: answer the challenge, then retry once. */
		if (resp->www_authenticate != NULL &&
		    strncasecmp(resp->www_authenticate, "Bearer", 6) == 0) {
			if ((error = fetch_token(
			         r, resp->www_authenticate, scope)) < 0)
				goto done;
		} else if (r->username != NULL && !r->basic_ok) {
			r->basic_ok = true;
		} else {
			break;
		}
	}
	if (!ours)
		goto done; /* the caller reports what another host answered */
	if (resp->status == 401) {
		error = r->username == NULL
		            ? ecra_error_set(ECRA_EAUTH,
		                  "registry '%s' requires authentication and "
		                  "no credentials were given for it",
		                  r->host)
		            : ecra_error_set(ECRA_EAUTH,
		                  "registry '%s' refused the credentials of "
		                  "user '%s' (HTTP 401)",
		                  r->host, r->username);
		goto done;
	}
	if (resp->status == 403) {
		error = ecra_error_set(ECRA_EAUTH,
		    "registry '%s' denied %s %s (HTTP 403)", r->host, method,
		    scope);
		goto done;
	}
done:
	ecra_wipe_str(basic);
	ecra_free(basic);
	ecra_buf_dispose(&full);
	return error;
}

/* A one-line summary of an error response: the first error's code and
 * message from the body, if it is the registry's JSON. */
bool ecra_registry_status_transient(int status)
{
	return status >= 500 || status == 429;
}

bool ecra_registry_failed_transiently(const ecra_registry *r)
{
	return r != NULL && r->transient;
}

static int body_line_error(ecra_registry *r, const ecra_registry_resp *resp,
    const char *what, int ecode)
{
	char line[201];
	size_t i, n = 0;

	for (i = 0; i < resp->body.size && n + 1 < sizeof(line); i++) {
		unsigned char c = (unsigned char)resp->body.ptr[i];

		if (c == '\n' && n > 0)
			break;
		if (c >= 0x20 && c < 0x7f)
			line[n++] = (char)c;
	}
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	if (n == 0)
		return ecra_error_set(ecode, "registry '%s': %s: HTTP %d",
		    r->host, what, resp->status);
	return ecra_error_set(ecode, "registry '%s': %s: HTTP %d: %s", r->host,
	    what, resp->status, line);
}

int ecra_registry_fail(
    ecra_registry *r, ecra_registry_resp *resp, const char *what)
{
	ecra_json *doc = NULL, *e0;
	const char *code = NULL, *msg = NULL;
	int ecode = resp->status == 404 ? ECRA_ENOTFOUND : ECRA_ERROR;
	int error;

	r->transient = ecra_registry_status_transient(resp->status);
	if (resp->body.size > 0 && ecra_json_parse(&doc, resp->body.ptr,
	                               resp->body.size, NULL, 0) == 0) {
		e0 = ecra_json_at(ecra_json_get(doc, "errors"), 0);
		code = ecra_json_string(ecra_json_get(e0, "code"));
		msg = ecra_json_string(ecra_json_get(e0, "message"));
	}
	if (code != NULL)
		error =
		    ecra_error_set(ecode, "registry '%s': %s: HTTP %d %s: %s",
		        r->host, what, resp->status, code, msg ? msg : "");
	else if (doc == NULL && resp->body.size > 0)
		/* Not a registry error document (a proxy's or load
		 * balancer's page): its first line, printable bytes only. */
		error = body_line_error(r, resp, what, ecode);
	else
		error = ecra_error_set(ecode, "registry '%s': %s: HTTP %d",
		    r->host, what, resp->status);
	ecra_json_free(doc);
	return error;
}

static int scope_of(ecra_buf *b, const char *repo, bool push)
{
	ecra_buf_clear(b);
	return ecra_buf_printf(
	    b, "repository:%s:%s", repo, push ? "pull,push" : "pull");
}

/* ---------------------------------------------------------------------- */
/* Manifests and blobs                                                     */

void ecra_registry_sha256(char out[72], const void *data, size_t len)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	int i;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
}

int ecra_registry_manifest_exists(ecra_registry *r, const char *repo,
    const char *ref, bool *exists, char **digest)
{
	ecra_buf path = ECRA_BUF_INIT(0), scope = ECRA_BUF_INIT(0);
	ecra_registry_resp resp;
	int error;

	*exists = false;
	if (digest != NULL)
		*digest = NULL;
	memset(&resp, 0, sizeof(resp));
	if ((error = api_path(&path, repo, "manifests", ref)) < 0 ||
	    (error = scope_of(&scope, repo, false)) < 0 ||
	    (error = ecra_registry_request(r, "HEAD", path.ptr, scope.ptr,
	         accept_manifests, 1, NULL, 0, &resp)) < 0)
		goto done;
	if (resp.status == 200) {
		*exists = true;
		if (digest != NULL && resp.digest != NULL &&
		    (*digest = ecra_strdup(resp.digest)) == NULL)
			error = ECRA_ENOMEM;
	} else if (resp.status != 404) {
		error = ecra_registry_fail(r, &resp, "checking a manifest");
	}
done:
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&path);
	ecra_buf_dispose(&scope);
	return error;
}

int ecra_registry_manifest_get(ecra_registry *r, const char *repo,
    const char *ref, ecra_buf *body, char **media_type, char **digest)
{
	ecra_buf path = ECRA_BUF_INIT(0), scope = ECRA_BUF_INIT(0);
	ecra_registry_resp resp;
	char computed[72];
	int error;

	*media_type = NULL;
	if (digest != NULL)
		*digest = NULL;
	memset(&resp, 0, sizeof(resp));
	resp.body.limit = MANIFEST_LIMIT;
	if ((error = api_path(&path, repo, "manifests", ref)) < 0 ||
	    (error = scope_of(&scope, repo, false)) < 0 ||
	    (error = ecra_registry_request(r, "GET", path.ptr, scope.ptr,
	         accept_manifests, 1, NULL, 0, &resp)) < 0)
		goto done;
	if (resp.status != 200) {
		error = ecra_registry_fail(r, &resp, "fetching a manifest");
		goto done;
	}
	ecra_registry_sha256(
	    computed, resp.body.ptr ? resp.body.ptr : "", resp.body.size);
	if (strncmp(ref, "sha256:", 7) == 0 && strcmp(ref, computed) != 0) {
		error = ecra_error_set(ECRA_ERROR,
		    "registry '%s': manifest '%s' has digest '%s'", r->host,
		    ref, computed);
		goto done;
	}
	if (resp.content_type != NULL) {
		char *semi = strchr(resp.content_type, ';');

		if (semi != NULL)
			*semi = '\0';
	}
	if ((*media_type = ecra_strdup(
	         resp.content_type ? resp.content_type : "")) == NULL ||
	    (digest != NULL && (*digest = ecra_strdup(computed)) == NULL) ||
	    (error = ecra_buf_put(
	         body, resp.body.ptr ? resp.body.ptr : "", resp.body.size)) < 0)
		error = error < 0 ? error : ECRA_ENOMEM;
done:
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&path);
	ecra_buf_dispose(&scope);
	return error;
}

int ecra_registry_manifest_put(ecra_registry *r, const char *repo,
    const char *ref, const char *media_type, const void *data, size_t len,
    char **digest)
{
	ecra_buf path = ECRA_BUF_INIT(0), scope = ECRA_BUF_INIT(0);
	ecra_http_header ct = { "Content-Type", media_type };
	ecra_registry_resp resp;
	char computed[72];
	int error;

	if (digest != NULL)
		*digest = NULL;
	memset(&resp, 0, sizeof(resp));
	ecra_registry_sha256(computed, data, len);
	if ((error = api_path(&path, repo, "manifests", ref)) < 0 ||
	    (error = scope_of(&scope, repo, true)) < 0)
		goto done;
	if ((error = ecra_registry_request(
	         r, "PUT", path.ptr, scope.ptr, &ct, 1, data, len, &resp)) < 0)
		goto done;
	if (resp.status != 201 && resp.status != 200) {
		error = ecra_registry_fail(r, &resp, "pushing a manifest");
		goto done;
	}
	if (resp.digest != NULL && strcmp(resp.digest, computed) != 0) {
		error = ecra_error_set(ECRA_ERROR,
		    "registry '%s' stored the manifest as '%s', expected '%s'",
		    r->host, resp.digest, computed);
		goto done;
	}
	if (digest != NULL && (*digest = ecra_strdup(computed)) == NULL)
		error = ECRA_ENOMEM;
done:
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&path);
	ecra_buf_dispose(&scope);
	return error;
}

int ecra_registry_blob_exists(
    ecra_registry *r, const char *repo, const char *digest, bool *exists)
{
	ecra_buf path = ECRA_BUF_INIT(0), scope = ECRA_BUF_INIT(0);
	ecra_registry_resp resp;
	int error;

	*exists = false;
	memset(&resp, 0, sizeof(resp));
	if ((error = api_path(&path, repo, "blobs", digest)) < 0 ||
	    (error = scope_of(&scope, repo, false)) < 0 ||
	    (error = ecra_registry_request(
	         r, "HEAD", path.ptr, scope.ptr, NULL, 0, NULL, 0, &resp)) < 0)
		goto done;
	if (resp.status == 200)
		*exists = true;
	else if (resp.status != 404)
		error = ecra_registry_fail(r, &resp, "checking a blob");
done:
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&path);
	ecra_buf_dispose(&scope);
	return error;
}

int ecra_registry_blob_get(
    ecra_registry *r, const char *repo, const char *digest, ecra_buf *out)
{
	ecra_buf path = ECRA_BUF_INIT(0), scope = ECRA_BUF_INIT(0);
	ecra_registry_resp resp;
	char computed[72];
	int error;

	memset(&resp, 0, sizeof(resp));
	resp.body.limit = out->limit;
	if ((error = api_path(&path, repo, "blobs", digest)) < 0 ||
	    (error = scope_of(&scope, repo, false)) < 0 ||
	    (error = ecra_registry_request(
	         r, "GET", path.ptr, scope.ptr, NULL, 0, NULL, 0, &resp)) < 0)
		goto done;
	if (resp.status != 200) {
		error = ecra_registry_fail(r, &resp, "fetching a blob");
		goto done;
	}
	ecra_registry_sha256(
	    computed, resp.body.ptr ? resp.body.ptr : "", resp.body.size);
	if (strcmp(computed, digest) != 0) {
		error = ecra_error_set(ECRA_ERROR,
		    "registry '%s': blob '%s' has digest '%s'", r->host, digest,
		    computed);
		goto done;
	}
	error = ecra_buf_put(
	    out, resp.body.ptr ? resp.body.ptr : "", resp.body.size);
done:
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&path);
	ecra_buf_dispose(&scope);
	return error;
}

/* Turn a Location header into an absolute URL and add a query param. */
static int upload_url(ecra_buf *out, ecra_registry *r, const char *loc,
    const char *param, const char *value)
{
	int error;

	ecra_buf_clear(out);
	if (strncmp(loc, "http://", 7) == 0 || strncmp(loc, "https://", 8) == 0)
		error = ecra_buf_puts(out, loc);
	else if (loc[0] == '/')
		error = ecra_buf_printf(out, "%s%s", r->base, loc);
	else
		error = ecra_buf_printf(out, "%s/%s", r->base, loc);
	if (error == 0 && param != NULL) {
		error = ecra_buf_printf(
		    out, "%s%s=", strchr(out->ptr, '?') ? "&" : "?", param);
		if (error == 0)
			error = url_encode(out, value);
	}
	return error;
}

/* DELETE an open upload session (best effort: the error of the upload
 * stays the one reported), even while the client is being cancelled. */
void ecra_registry_cancel_upload(
    ecra_registry *r, const char *loc, const char *scope)
{
	ecra_registry_resp resp;
	ecra_buf url = ECRA_BUF_INIT(0);
	char saved[ECRA_ERROR_MESSAGE_MAX];
	int code = ecra_error_last()->code;

	memset(&resp, 0, sizeof(resp));
	snprintf(saved, sizeof(saved), "%s", ecra_error_last()->message);
	r->cleanup = true;
	ecra_http_set_cancel(r->transport, NULL);
	if (upload_url(&url, r, loc, NULL, NULL) == 0)
		(void)ecra_registry_request(
		    r, "DELETE", url.ptr, scope, NULL, 0, NULL, 0, &resp);
	ecra_http_set_cancel(r->transport, r->cancel);
	r->cleanup = false;
	ecra_error_set(code, "%s", saved);
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&url);
}

int ecra_registry_blob_upload(ecra_registry *r, const char *repo,
    const char *digest, uint64_t size, const char *mount_from,
    ecra_registry_read_cb read, void *payload, bool *uploaded)
{
	ecra_buf path = ECRA_BUF_INIT(0), scope = ECRA_BUF_INIT(0),
	         url = ECRA_BUF_INIT(0), chunk = ECRA_BUF_INIT(0),
	         range = ECRA_BUF_INIT(0);
	ecra_http_header octet[2] = { { "Content-Type",
		                          "application/octet-stream" },
		{ "Content-Range", NULL } };
	ecra_registry_resp resp;
	char *loc = NULL;
	size_t chunk_size = r->chunk_size ? r->chunk_size : DEFAULT_CHUNK;
	uint64_t sent = 0;
	bool exists = false;
	int error;

	if (uploaded != NULL)
		*uploaded = false;
	memset(&resp, 0, sizeof(resp));
	if ((error = ecra_registry_blob_exists(r, repo, digest, &exists)) < 0 ||
	    exists)
		goto done;
	if ((error = scope_of(&scope, repo, true)) < 0)
		goto done;
	if (mount_from != NULL && strcmp(mount_from, repo) != 0) {
		/* Ask for both scopes so a token covers the mount. */
		if ((error = ecra_buf_printf(
		         &scope, " repository:%s:pull", mount_from)) < 0 ||
		    (error = api_path(&path, repo, "blobs/uploads/", NULL)) <
		        0 ||
		    (error = ecra_buf_puts(&path, "?mount=")) < 0 ||
		    (error = url_encode(&path, digest)) < 0 ||
		    (error = ecra_buf_puts(&path, "&from=")) < 0 ||
		    (error = url_encode(&path, mount_from)) < 0)
			goto done;
	} else if ((error = api_path(&path, repo, "blobs/uploads/", NULL)) <
	           0) {
		goto done;
	}
	if ((error = ecra_registry_request(
	         r, "POST", path.ptr, scope.ptr, NULL, 0, "", 0, &resp)) < 0)
		goto done;
	if (resp.status == 201)
		goto done; /* mounted */
	if (resp.status != 202 || resp.location == NULL) {
		error = ecra_registry_fail(r, &resp, "starting a blob upload");
		goto done;
	}
	loc = resp.location;
	resp.location = NULL;
	if (uploaded != NULL)
		*uploaded = true;

	/* Send the content: one PUT if it fits a chunk, else PATCH chunks
	 * and a closing PUT. */
	for (;;) {
		size_t want = chunk_size, got = 0;

		ecra_buf_clear(&chunk);
		if ((error = ecra_buf_grow(&chunk, want)) < 0)
			goto done;
		while (chunk.size < want) {
			if ((error = read(payload, chunk.ptr + chunk.size,
			         want - chunk.size, &got)) < 0)
				goto done;
			if (got == 0)
				break;
			chunk.size += got;
		}
		chunk.ptr[chunk.size] = '\0';
		if (sent + chunk.size == size) {
			/* Last piece: PUT it with the digest. */
			if ((error = upload_url(
			         &url, r, loc, "digest", digest)) < 0)
				goto done;
			ecra_registry_resp_dispose(&resp);
			if ((error = ecra_registry_request(r, "PUT", url.ptr,
			         scope.ptr, octet, 1, chunk.ptr, chunk.size,
			         &resp)) < 0)
				goto done;
			if (resp.status != 201) {
				error = ecra_registry_fail(
				    r, &resp, "finishing a blob upload");
				goto done;
			}
			break;
		}
		if (chunk.size == 0 || sent + chunk.size > size) {
			error = ecra_error_set(ECRA_EIO,
			    "blob '%s' is not %llu bytes long", digest,
			    (unsigned long long)size);
			goto done;
		}
		ecra_buf_clear(&range);
		if ((error = upload_url(&url, r, loc, NULL, NULL)) < 0 ||
		    (error = ecra_buf_printf(&range, "%llu-%llu",
		         (unsigned long long)sent,
		         (unsigned long long)(sent + chunk.size - 1))) < 0)
			goto done;
		octet[1].value = range.ptr;
		ecra_registry_resp_dispose(&resp);
		error = ecra_registry_request(r, "PATCH", url.ptr, scope.ptr,
		    octet, 2, chunk.ptr, chunk.size, &resp);
		if (error < 0)
			goto done;
		if (resp.status != 202 || resp.location == NULL) {
			error =
			    ecra_registry_fail(r, &resp, "uploading a chunk");
			goto done;
		}
		sent += chunk.size;
		ecra_free(loc);
		loc = resp.location;
		resp.location = NULL;
	}
done:
	if (error < 0 && loc != NULL && r->cancel != NULL && *r->cancel != 0)
		ecra_registry_cancel_upload(r, loc, scope.ptr);
	ecra_free(loc);
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&path);
	ecra_buf_dispose(&scope);
	ecra_buf_dispose(&url);
	ecra_buf_dispose(&chunk);
	ecra_buf_dispose(&range);
	return error;
}

/* ---------------------------------------------------------------------- */
/* Copy                                                                    */

int ecra_registry_mem_read(void *payload, char *buf, size_t cap, size_t *got)
{
	ecra_registry_mem_reader *m = payload;
	size_t n = m->len - m->off;

	if (n > cap)
		n = cap;
	memcpy(buf, m->data + m->off, n);
	m->off += n;
	*got = n;
	return 0;
}

static int copy_blob(ecra_registry *src, const char *src_repo,
    ecra_registry *dst, const char *dst_repo, const ecra_json *desc)
{
	const char *digest = ecra_json_string(ecra_json_get(desc, "digest"));
	ecra_json *sz = ecra_json_get(desc, "size");
	ecra_buf blob = ECRA_BUF_INIT(4ull * 1024 * 1024 * 1024);
	ecra_registry_mem_reader mr;
	bool exists = false, same;
	int error;

	if (digest == NULL || !ecra_json_is_number(sz))
		return ecra_error_set(ECRA_EINVALID,
		    "manifest descriptor without digest or size");
	same = src == dst || strcmp(src->host, dst->host) == 0;
	if ((error = ecra_registry_blob_exists(
	         dst, dst_repo, digest, &exists)) < 0 ||
	    exists)
		return error;
	if (same) {
		bool uploaded = false;

		/* Try a mount; if the registry wants an upload instead the
		 * upload session it opened is abandoned and we stream. */
		mr.data = "";
		mr.len = mr.off = 0;
		if ((error = ecra_registry_mount(
		         dst, dst_repo, digest, src_repo, &uploaded)) < 0)
			return error;
		if (uploaded)
			return 0;
	}
	if ((error = ecra_registry_blob_get(src, src_repo, digest, &blob)) < 0)
		goto done;
	mr.data = blob.ptr ? blob.ptr : "";
	mr.len = blob.size;
	mr.off = 0;
	error = ecra_registry_blob_upload(dst, dst_repo, digest,
	    (uint64_t)ecra_json_integer(sz), NULL, ecra_registry_mem_read, &mr,
	    NULL);
done:
	ecra_buf_dispose(&blob);
	return error;
}

int ecra_registry_mount(ecra_registry *r, const char *repo, const char *digest,
    const char *from, bool *mounted)
{
	ecra_buf path = ECRA_BUF_INIT(0), scope = ECRA_BUF_INIT(0),
	         url = ECRA_BUF_INIT(0);
	ecra_registry_resp resp;
	int error;

	*mounted = false;
	memset(&resp, 0, sizeof(resp));
	if ((error = scope_of(&scope, repo, true)) < 0 ||
	    (error = ecra_buf_printf(&scope, " repository:%s:pull", from)) <
	        0 ||
	    (error = api_path(&path, repo, "blobs/uploads/?mount=", NULL)) <
	        0 ||
	    (error = url_encode(&path, digest)) < 0 ||
	    (error = ecra_buf_puts(&path, "&from=")) < 0 ||
	    (error = url_encode(&path, from)) < 0 ||
	    (error = ecra_registry_request(
	         r, "POST", path.ptr, scope.ptr, NULL, 0, "", 0, &resp)) < 0)
		goto done;
	if (resp.status == 201) {
		*mounted = true;
	} else if (resp.status == 202 && resp.location != NULL) {
		/* Cancel the upload session it opened; failures are fine. */
		ecra_registry_resp cancel;

		memset(&cancel, 0, sizeof(cancel));
		if (upload_url(&url, r, resp.location, NULL, NULL) == 0)
			(void)ecra_registry_request(r, "DELETE", url.ptr,
			    scope.ptr, NULL, 0, NULL, 0, &cancel);
		ecra_registry_resp_dispose(&cancel);
		ecra_error_clear();
	} else {
		error = ecra_registry_fail(r, &resp, "mounting a blob");
	}
done:
	ecra_registry_resp_dispose(&resp);
	ecra_buf_dispose(&path);
	ecra_buf_dispose(&scope);
	ecra_buf_dispose(&url);
	return error;
}

static int copy_manifest(ecra_registry *src, const char *src_repo,
    const char *ref, ecra_registry *dst, const char *dst_repo,
    const char *dst_ref, int depth)
{
	ecra_buf body = ECRA_BUF_INIT(MANIFEST_LIMIT);
	ecra_json *doc = NULL, *layers, *children;
	char *mt = NULL, *digest = NULL;
	size_t i;
	int error;

	if (depth > 2)
		return ecra_error_set(ECRA_EINVALID,
		    "manifest '%s' nests indexes too deeply", ref);
	if ((error = ecra_registry_manifest_get(
	         src, src_repo, ref, &body, &mt, &digest)) < 0)
		goto done;
	if ((error = ecra_json_parse(
	         &doc, body.ptr ? body.ptr : "", body.size, "manifest", 0)) < 0)
		goto done;
	children = ecra_json_get(doc, "manifests");
	for (i = 0; i < ecra_json_size(children); i++) {
		const char *cd = ecra_json_string(
		    ecra_json_get(ecra_json_at(children, i), "digest"));

		if (cd == NULL) {
			error = ecra_error_set(
			    ECRA_EINVALID, "index entry without a digest");
			goto done;
		}
		if ((error = copy_manifest(
		         src, src_repo, cd, dst, dst_repo, cd, depth + 1)) < 0)
			goto done;
	}
	if (ecra_json_get(doc, "config") != NULL &&
	    (error = copy_blob(src, src_repo, dst, dst_repo,
	         ecra_json_get(doc, "config"))) < 0)
		goto done;
	layers = ecra_json_get(doc, "layers");
	for (i = 0; i < ecra_json_size(layers); i++)
		if ((error = copy_blob(src, src_repo, dst, dst_repo,
		         ecra_json_at(layers, i))) < 0)
			goto done;
	if (mt[0] == '\0') {
		ecra_free(mt);
		mt = ecra_strdup(
		    ecra_json_string(ecra_json_get(doc, "mediaType"))
		        ? ecra_json_string(ecra_json_get(doc, "mediaType"))
		        : ECRA_MT_DOCKER_MANIFEST);
		if (mt == NULL) {
			error = ECRA_ENOMEM;
			goto done;
		}
	}
	error = ecra_registry_manifest_put(
	    dst, dst_repo, dst_ref, mt, body.ptr, body.size, NULL);
done:
	ecra_json_free(doc);
	ecra_free(mt);
	ecra_free(digest);
	ecra_buf_dispose(&body);
	return error;
}

int ecra_registry_copy(ecra_registry *src, const char *src_repo,
    const char *src_ref, ecra_registry *dst, const char *dst_repo,
    const char *dst_tag)
{
	ECRA_ASSERT_ARG(src);
	ECRA_ASSERT_ARG(dst);
	ECRA_ASSERT_ARG(src_repo);
	ECRA_ASSERT_ARG(src_ref);
	ECRA_ASSERT_ARG(dst_repo);
	ECRA_ASSERT_ARG(dst_tag);
	return copy_manifest(src, src_repo, src_ref, dst, dst_repo, dst_tag, 0);
}

int ecra_registry_upload_url(ecra_buf *out, ecra_registry *r, const char *loc,
    const char *param, const char *value)
{
	return upload_url(out, r, loc, param, value);
}
