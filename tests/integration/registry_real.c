/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/integration/registry_real.c - the OCI registry client against
 * the real docker-registry instances of services.sh: daemonless push of a
 * `docker save` tarball (monolithic and chunked), existence checks,
 * digest-preserving copy to another repository of the same registry
 * (mount) and to the htpasswd registry, then `docker pull` + `docker run`
 * of the results; auth failures and an unreachable registry.
 *
 * Exits 77 (skipped) unless services.env was sourced. Test code may use a
 * shell (system()) to drive docker; the library never does.
 */
#include "helpers.h"

#include <time.h>

#include "registry/registry.h"

static const char *reg, *auth_reg, *user, *pass, *docker, *base;
static char work[4096], tarball[4300], repo[128], tag[64];

static void sh(const char *fmt, ...) ECRA_PRINTF(1, 2);
static void sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static ecra_registry *client(
    const char *host, const char *u, const char *p, size_t chunk)
{
	ecra_registry_options o;
	ecra_registry *r = NULL;

	memset(&o, 0, sizeof(o));
	o.host = host;
	o.plain_http = ecra_registry_host_is_loopback(host);
	o.username = u;
	o.password = p;
	o.chunk_size = chunk;
	assert_ok(ecra_registry_new(&r, &o));
	return r;
}

/* Pull `ref` with docker (after removing any local copy) and run it. */
static void pull_and_run(const char *ref)
{
	sh("'%s' rmi -f '%s' >/dev/null 2>&1; '%s' pull '%s' >/dev/null && "
	   "test \"$('%s' run --rm --network none '%s' cat /etc/passwd | "
	   "head -c 4)\" = root && '%s' rmi -f '%s' >/dev/null",
	    docker, ref, docker, ref, docker, ref, docker, ref);
}

static int setup(void **state)
{
	(void)state;
	snprintf(work, sizeof(work), "%s", sandbox_dir());
	snprintf(tarball, sizeof(tarball), "%s/image.tar", work);
	snprintf(repo, sizeof(repo), "ecra/tarball-%d", (int)getpid());
	snprintf(tag, sizeof(tag), "t%ld", (long)time(NULL));
	/* A two-layer image, saved by the daemon (legacy layout). */
	write_text(work, "ctx/Dockerfile", "");
	sh("printf 'FROM %s\\nCOPY f /f\\n' > '%s/ctx/Dockerfile' && "
	   "echo %s > '%s/ctx/f' && '%s' build -q -t ecra-regtest:%s '%s/ctx' "
	   ">/dev/null && '%s' save -o '%s' ecra-regtest:%s && "
	   "'%s' rmi ecra-regtest:%s >/dev/null",
	    base, work, tag, work, docker, tag, work, docker, tarball, tag,
	    docker, tag);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(work);
	return 0;
}

static void push_tarball_and_pull(void **state)
{
	ecra_registry *r = client(reg, NULL, NULL, 0);
	char *digest = NULL, *head = NULL, ref[512];
	bool exists = false;

	(void)state;
	assert_ok(ecra_registry_manifest_exists(r, repo, tag, &exists, NULL));
	assert_false(exists);
	assert_ok(
	    ecra_registry_push_tarball(r, tarball, NULL, repo, tag, &digest));
	assert_ok(ecra_registry_manifest_exists(r, repo, tag, &exists, &head));
	assert_true(exists);
	assert_string_equal(digest, head);
	ecra_free(head);
	/* Again: every blob exists; same digest (deterministic gzip). */
	{
		char *again = NULL;

		assert_ok(ecra_registry_push_tarball(
		    r, tarball, NULL, repo, tag, &again));
		assert_string_equal(again, digest);
		ecra_free(again);
	}
	snprintf(ref, sizeof(ref), "%s/%s:%s", reg, repo, tag);
	pull_and_run(ref);
	ecra_free(digest);
	ecra_registry_free(r);
}

static void push_tarball_chunked(void **state)
{
	/* 64 KiB chunks: the layers go up in several PATCHes. */
	ecra_registry *r = client(reg, NULL, NULL, 64 * 1024);
	char chunked[160], ref[512];

	(void)state;
	snprintf(chunked, sizeof(chunked), "%s-chunked", repo);
	assert_ok(
	    ecra_registry_push_tarball(r, tarball, NULL, chunked, tag, NULL));
	snprintf(ref, sizeof(ref), "%s/%s:%s", reg, chunked, tag);
	pull_and_run(ref);
	ecra_registry_free(r);
}

static void copy_preserves_digest(void **state)
{
	ecra_registry *src = client(reg, NULL, NULL, 0);
	ecra_registry *dst = client(auth_reg, user, pass, 0);
	char *d1 = NULL, *d2 = NULL, *d3 = NULL, mounted[160], ref[512];
	bool exists = false;

	(void)state;
	assert_ok(ecra_registry_manifest_exists(src, repo, tag, &exists, &d1));
	assert_true(exists);
	/* Same registry: blobs are mounted. */
	snprintf(mounted, sizeof(mounted), "%s-mounted", repo);
	assert_ok(ecra_registry_copy(src, repo, tag, src, mounted, "copy"));
	assert_ok(
	    ecra_registry_manifest_exists(src, mounted, "copy", &exists, &d2));
	assert_string_equal(d1, d2);
	/* Another registry, with basic auth. */
	assert_ok(ecra_registry_copy(src, repo, tag, dst, repo, "copied"));
	assert_ok(
	    ecra_registry_manifest_exists(dst, repo, "copied", &exists, &d3));
	assert_true(exists);
	assert_string_equal(d1, d3);
	snprintf(ref, sizeof(ref), "%s/%s:%s", reg, mounted, "copy");
	pull_and_run(ref);
	ecra_free(d1);
	ecra_free(d2);
	ecra_free(d3);
	ecra_registry_free(src);
	ecra_registry_free(dst);
}

static void auth_failures(void **state)
{
	ecra_registry *anon = client(auth_reg, NULL, NULL, 0);
	ecra_registry *wrong = client(auth_reg, user, "wrong-password-xyz", 0);
	bool exists;

	(void)state;
	assert_fails_with(ECRA_EAUTH,
	    ecra_registry_manifest_exists(anon, repo, tag, &exists, NULL));
	assert_error_contains("requires authentication");
	assert_fails_with(ECRA_EAUTH,
	    ecra_registry_manifest_exists(wrong, repo, tag, &exists, NULL));
	assert_error_contains("refused the credentials");
	assert_null(strstr(ecra_error_last()->message, "wrong-password-xyz"));
	ecra_registry_free(anon);
	ecra_registry_free(wrong);
}

static void credentials_from_docker_config(void **state)
{
	ecra_registry_options o;
	ecra_registry *r = NULL;
	char cfg[8192], dir[4200];
	bool exists = false;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/dockercfg", work);
	sh("mkdir -p '%s' && printf "
	   "'{\"auths\":{\"http://%s\":{\"auth\":\"%%s\"}}}' "
	   "\"$(printf '%%s:%%s' '%s' '%s' | base64 -w0)\" > '%s/config.json'",
	    dir, auth_reg, user, pass, dir);
	(void)cfg;
	memset(&o, 0, sizeof(o));
	o.host = auth_reg;
	o.plain_http = true;
	o.docker_config = dir;
	assert_ok(ecra_registry_new(&r, &o));
	assert_ok(
	    ecra_registry_manifest_exists(r, repo, "copied", &exists, NULL));
	assert_true(exists);
	ecra_registry_free(r);
}

static void unreachable_and_malformed(void **state)
{
	ecra_registry *down = client("127.0.0.1:9", NULL, NULL, 0);
	ecra_registry *r = client(reg, NULL, NULL, 0);
	bool exists;
	char bad[4300];

	(void)state;
	assert_fails_with(ECRA_ENET,
	    ecra_registry_manifest_exists(down, repo, tag, &exists, NULL));
	assert_error_contains("registry '127.0.0.1:9'");
	snprintf(bad, sizeof(bad), "%s/bad.tar", work);
	sh("tar -C '%s' -cf '%s' ctx", work, bad);
	assert_fails_with(ECRA_EINVALID,
	    ecra_registry_push_tarball(r, bad, NULL, repo, "bad", NULL));
	assert_error_contains("no manifest.json");
	assert_fails_with(ECRA_ENOTFOUND, ecra_registry_push_tarball(r, tarball,
	                                      "nope:latest", repo, "x", NULL));
	ecra_registry_free(down);
	ecra_registry_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(push_tarball_and_pull),
		cmocka_unit_test(push_tarball_chunked),
		cmocka_unit_test(copy_preserves_digest),
		cmocka_unit_test(auth_failures),
		cmocka_unit_test(credentials_from_docker_config),
		cmocka_unit_test(unreachable_and_malformed),
	};

	reg = getenv("ECRA_REGISTRY");
	auth_reg = getenv("ECRA_AUTH_REGISTRY");
	user = getenv("ECRA_REGISTRY_USER");
	pass = getenv("ECRA_REGISTRY_PASSWORD");
	docker = getenv("ECRA_DOCKER");
	base = getenv("ECRA_BASE_IMAGE");
	if (getenv("DOCKER_HOST") == NULL || reg == NULL || auth_reg == NULL ||
	    user == NULL || pass == NULL) {
		printf(
		    "skipped: source tests/integration/services.env first\n");
		return 77;
	}
	if (docker == NULL)
		docker = "docker";
	if (base == NULL)
		base = "ecra-busybox:latest";
	if (ecra_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
