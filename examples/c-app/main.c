/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * examples/c-app/main.c - a CDK app written in C against libecrassets.
 *
 * The same app as examples/json-app/app.json: one stack with a
 * DockerImageAsset (the build context in examples/image), a role that
 * may pull the image, and the image URI and tag as stack outputs.
 *
 *     ecra-example-c-app [CONTEXT_DIR]      (default: "image")
 *
 * It behaves like any CDK app, so the CDK CLI can run it:
 *
 *     cdk synth --app "./build/ecra-example-c-app examples/image"
 *
 * As with aws-cdk-lib, the CLI passes the assembly directory in
 * CDK_OUTDIR and the context in CDK_CONTEXT_JSON. The library never reads
 * the environment: the program does, and hands the values over.
 */
#include <ecrassets.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what)
{
	fprintf(stderr, "c-app: %s: %s\n", what, ecra_error_last()->message);
	return 1;
}

int main(int argc, char **argv)
{
	ecra_app_options app_opts = ECRA_APP_OPTIONS_INIT;
	ecra_stack_options stack_opts = ECRA_STACK_OPTIONS_INIT;
	ecra_docker_image_asset_options img_opts =
	    ECRA_DOCKER_IMAGE_ASSET_OPTIONS_INIT;
	ecra_role_options role_opts = ECRA_ROLE_OPTIONS_INIT;
	ecra_output_options uri_opts = ECRA_OUTPUT_OPTIONS_INIT;
	ecra_output_options tag_opts = ECRA_OUTPUT_OPTIONS_INIT;
	static const ecra_kv build_args[] = { { "GREETING", "hello" } };
	ecra_app *app = NULL;
	ecra_stack *stack = NULL;
	ecra_image_asset *image = NULL;
	ecra_role *role = NULL;
	size_t i;
	int rc = 1;

	/* What `new App()` reads from the environment in aws-cdk-lib. */
	app_opts.outdir = getenv("CDK_OUTDIR"); /* NULL: "cdk.out" */
	app_opts.context_json = getenv("CDK_CONTEXT_JSON"); /* NULL: none */
	if (ecra_app_new(&app, &app_opts) < 0)
		return fail("app");

	if (ecra_app_add_stack(&stack, app, "ExampleStack", &stack_opts) < 0) {
		fail("stack");
		goto done;
	}

	img_opts.directory = argc > 1 ? argv[1] : "image";
	img_opts.build_args = build_args;
	img_opts.build_args_count = 1;
	img_opts.platform = ECRA_PLATFORM_LINUX_AMD64;
	if (ecra_stack_add_docker_image_asset(
	        &image, stack, "Image", &img_opts) < 0) {
		fail("image asset");
		goto done;
	}

	role_opts.assumed_by = "ecs-tasks.amazonaws.com";
	if (ecra_stack_add_role(&role, stack, "TaskRole", &role_opts) < 0 ||
	    ecra_image_asset_grant_pull(image, role) < 0) {
		fail("role");
		goto done;
	}

	uri_opts.kind = ECRA_OUTPUT_IMAGE_URI;
	uri_opts.asset = image;
	tag_opts.kind = ECRA_OUTPUT_IMAGE_TAG;
	tag_opts.asset = image;
	if (ecra_stack_add_output(stack, "ImageUri", &uri_opts) < 0 ||
	    ecra_stack_add_output(stack, "ImageTag", &tag_opts) < 0) {
		fail("outputs");
		goto done;
	}

	if (ecra_app_synth(app, NULL) < 0) {
		fail("synth");
		goto done;
	}
	/* Warnings go to stderr: stdout belongs to the app's user. */
	for (i = 0; i < ecra_app_warning_count(app); i++)
		fprintf(
		    stderr, "c-app: warning: %s\n", ecra_app_warning(app, i));
	fprintf(stderr, "c-app: image %s\n", ecra_image_asset_hash(image));
	rc = 0;
done:
	ecra_app_free(app);
	return rc;
}
