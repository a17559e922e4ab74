/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/integration/synth_publish.c - the README's main job through the
 * public API only: synthesize an app with one DockerImageAsset
 * (ecra_app_*), publish its cloud assembly to the local registry
 * (ecra_publish, registry mode, real dockerd), pull the image back and
 * run it; publishing again does nothing.
 *
 * Exits 77 (skipped) unless services.env was sourced.
 */
#include "helpers.h"

#include <time.h>

extern char **environ;

static const char *reg, *docker, *base;
static char work[4096];

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

static int setup(void **state)
{
	(void)state;
	snprintf(work, sizeof(work), "%s", sandbox_dir());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(work);
	return 0;
}

static void synth_then_publish(void **state)
{
	ecra_app_options ao = ECRA_APP_OPTIONS_INIT;
	ecra_docker_image_asset_options io =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_publish_options po;
	ecra_publish_summary sum;
	ecra_app *app = NULL;
	ecra_stack *stack = NULL;
	ecra_image_asset *asset = NULL;
	ecra_manifest *m = NULL;
	ecra_manifest_entry e;
	char outdir[4200], ctx[4200], payload[64], ref[1024];

	(void)state;
	snprintf(payload, sizeof(payload), "synth-%ld-%d", (long)time(NULL),
	    (int)getpid());
	snprintf(ctx, sizeof(ctx), "%s/image", work);
	snprintf(outdir, sizeof(outdir), "%s/cdk.out", work);
	sh("mkdir -p '%s' && echo %s > '%s/payload' && printf 'FROM %s\\nCOPY "
	   "payload /payload\\nCMD [\"cat\", \"/payload\"]\\n' > "
	   "'%s/Dockerfile'",
	    ctx, payload, ctx, base, ctx);

	ao.outdir = outdir;
	assert_ok(ecra_app_new(&app, &ao));
	assert_ok(ecra_app_add_stack(&stack, app, "AppStack", NULL));
	io.directory = ctx;
	assert_ok(
	    ecra_stack_add_docker_image_asset(&asset, stack, "Image", &io));
	assert_ok(ecra_app_synth(app, NULL));

	assert_ok(ecra_manifest_new(&m));
	assert_ok(ecra_manifest_load(m, outdir));
	assert_int_equal(ecra_manifest_count(m), 1);
	assert_ok(ecra_manifest_get(m, 0, &e));
	assert_string_equal(e.image_tag, ecra_image_asset_image_tag(asset));

	memset(&po, 0, sizeof(po));
	po.version = ECRA_PUBLISH_OPTIONS_VERSION;
	po.env = environ;
	po.docker = docker;
	po.registry = reg;
	po.account = "123456789012";
	po.tmpdir = work;
	assert_ok(ecra_publish(m, &po, &sum));
	assert_int_equal(sum.published, 1);
	assert_int_equal(sum.builds, 1);
	/* Again: already there, nothing to do. */
	assert_ok(ecra_publish(m, &po, &sum));
	assert_int_equal(sum.skipped, 1);
	assert_int_equal(sum.builds, 0);

	snprintf(ref, sizeof(ref),
	    "%s/cdk-hnb659fds-container-assets-123456789012-us-east-1:%s", reg,
	    e.image_tag);
	sh("'%s' rmi -f '%s' >/dev/null 2>&1; '%s' pull '%s' >/dev/null && "
	   "test \"$('%s' run --rm --network none '%s')\" = %s && "
	   "'%s' rmi -f '%s' 'cdkasset-%s' >/dev/null",
	    docker, ref, docker, ref, docker, ref, payload, docker, ref,
	    e.asset_id);
	ecra_manifest_free(m);
	ecra_app_free(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synth_then_publish),
	};

	reg = getenv("ECRA_REGISTRY");
	docker = getenv("ECRA_DOCKER");
	base = getenv("ECRA_BASE_IMAGE");
	if (getenv("DOCKER_HOST") == NULL || reg == NULL) {
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
