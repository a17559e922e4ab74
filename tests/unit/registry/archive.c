/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/registry/archive.c - image tarballs are validated the way
 * `docker load` validates them, before anything is uploaded, and the
 * error names the wrong entry (issue #9 item 9): config not JSON, layer
 * digests that differ from rootfs.diff_ids, layer counts that differ,
 * missing entries, descriptor sizes, path traversal, links out of the
 * archive, several images; and the OCI layout / index cases.
 * ecra_image_archive_check() runs the same plan + staging code as a push.
 */
#include "helpers.h"

#include "fuzz/tar_writer.h"

#include "ecrassets/registry.h"
#include "registry/registry_int.h"

#include <zlib.h>

typedef struct {
	FILE *f;
} tarw;

static void tar_entry(tarw *t, const char *name, char type, const char *link,
    const void *data, size_t len)
{
	tar_write_entry(t->f, name, type, link, data, len);
}

static void tar_file(tarw *t, const char *name, const char *s)
{
	tar_entry(t, name, '0', NULL, s, strlen(s));
}

static char *tar_open(tarw *t, const char *name)
{
	static char path[4400];

	snprintf(path, sizeof(path), "%s/%s", sandbox_dir(), name);
	assert_non_null(t->f = fopen(path, "wb"));
	return path;
}

static void tar_close(tarw *t)
{
	tar_write_end(t->f);
	fclose(t->f);
}

#define LAYER1 "layer one bytes (a tar in real life)"
#define LAYER2 "layer two bytes"

/* A docker save tarball; each knob breaks one thing. */
typedef struct {
	const char *config;  /* NULL = a good one */
	const char *diff2;   /* NULL = the right diff_id of layer 2 */
	bool one_diff_id;    /* config lists only one diff_id */
	bool drop_layer2;    /* the entry is missing */
	const char *evil;    /* an extra entry name */
	const char *symlink; /* layer 2 is a symlink to this */
	bool two_images;
} save_knobs;

static char *docker_save(const char *name, const save_knobs *k)
{
	tarw t;
	char d1[72], d2[72], cfg[1024], man[2048];
	char *path = tar_open(&t, name);

	ecra_registry_sha256(d1, LAYER1, strlen(LAYER1));
	ecra_registry_sha256(d2, LAYER2, strlen(LAYER2));
	snprintf(cfg, sizeof(cfg),
	    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
	    "\"layers\",\"diff_ids\":[\"%s\"%s%s%s]}}",
	    d1, k->one_diff_id ? "" : ",\"",
	    k->one_diff_id ? "" : (k->diff2 ? k->diff2 : d2),
	    k->one_diff_id ? "" : "\"");
	if (k->two_images)
		snprintf(man, sizeof(man),
		    "[{\"Config\":\"c.json\",\"RepoTags\":[\"a:1\"],\"Layers\":"
		    "[\"l1/layer.tar\",\"l2/"
		    "layer.tar\"]},{\"Config\":\"c.json\","
		    "\"RepoTags\":[\"b:2\"],\"Layers\":[\"l1/layer.tar\",\"l2/"
		    "layer.tar\"]}]");
	else
		snprintf(man, sizeof(man),
		    "[{\"Config\":\"c.json\",\"RepoTags\":[\"a:1\"],\"Layers\":"
		    "[\"l1/layer.tar\",\"l2/layer.tar\"]}]");
	tar_file(&t, "c.json", k->config ? k->config : cfg);
	tar_file(&t, "l1/layer.tar", LAYER1);
	if (k->symlink != NULL)
		tar_entry(&t, "l2/layer.tar", '2', k->symlink, NULL, 0);
	else if (!k->drop_layer2)
		tar_file(&t, "l2/layer.tar", LAYER2);
	if (k->evil != NULL)
		tar_file(&t, k->evil, "x");
	tar_file(&t, "manifest.json", man);
	tar_close(&t);
	return path;
}

static void valid_docker_save(void **state)
{
	save_knobs k = { 0 };

	(void)state;
	assert_ok(ecra_image_archive_check(docker_save("ok.tar", &k), NULL));
	assert_ok(ecra_image_archive_check(docker_save("ok.tar", &k), "a:1"));
	assert_fails_with(ECRA_ENOTFOUND,
	    ecra_image_archive_check(docker_save("ok.tar", &k), "nope:1"));
	assert_error_contains("it has 'a:1'");
}

static void config_not_json(void **state)
{
	save_knobs k = { .config = "{not json" };

	(void)state;
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("config 'c.json' is not JSON");
	k.config = "{\"rootfs\":{}}";
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("config 'c.json' has no rootfs.diff_ids");
}

static void diff_id_mismatch(void **state)
{
	char wrong[72];
	save_knobs k = { 0 };

	(void)state;
	ecra_registry_sha256(wrong, "other", 5);
	k.diff2 = wrong;
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("layer 'l2/layer.tar' has uncompressed digest");
	assert_error_contains(wrong);
	k.diff2 = "sha256:nothex";
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("rootfs.diff_ids[1] is not a sha256 digest");
}

static void layer_count_mismatch(void **state)
{
	save_knobs k = { .one_diff_id = true };

	(void)state;
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("lists 2 layers but config 'c.json' has 1");
}

static void missing_entry(void **state)
{
	save_knobs k = { .drop_layer2 = true };

	(void)state;
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("lacks the layer 'l2/layer.tar'");
}

static void path_traversal(void **state)
{
	save_knobs k = { .evil = "../../etc/evil" };

	(void)state;
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("entry '../../etc/evil' escapes the archive");
	k.evil = "/abs/path";
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("has an absolute path");
	k.evil = NULL;
	k.symlink = "../../outside";
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("bad.tar", &k), NULL));
	assert_error_contains("points outside the archive");
}

static void links_followed(void **state)
{
	save_knobs k = { .symlink = "../l1/layer.tar" };

	(void)state;
	/* l2 -> l1: the layer bytes are LAYER1, so diff_id 2 mismatches. */
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("link.tar", &k), NULL));
	assert_error_contains("l1/layer.tar");
	{
		char d1[72];

		ecra_registry_sha256(d1, LAYER1, strlen(LAYER1));
		k.diff2 = d1;
		assert_ok(ecra_image_archive_check(
		    docker_save("link.tar", &k), NULL));
	}
}

static void several_images(void **state)
{
	save_knobs k = { .two_images = true };

	(void)state;
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(docker_save("two.tar", &k), NULL));
	assert_error_contains("holds 2 images ('a:1', 'b:2')");
	assert_ok(ecra_image_archive_check(docker_save("two.tar", &k), "b:2"));
}

static void not_an_image(void **state)
{
	tarw t;
	char *p = tar_open(&t, "plain.tar");

	(void)state;
	tar_file(&t, "hello.txt", "hi");
	tar_close(&t);
	assert_fails_with(ECRA_EINVALID, ecra_image_archive_check(p, NULL));
	assert_error_contains("is not an image tarball");
	write_text(sandbox_dir(), "junk.tar", "not a tar at all, just text");
	{
		char path[4400];

		snprintf(path, sizeof(path), "%s/junk.tar", sandbox_dir());
		assert_true(ecra_image_archive_check(path, NULL) < 0);
	}
}

/* An OCI layout with one gzip layer; knobs break its descriptors. */
static char *oci_layout(
    const char *name, bool bad_size, bool bad_gzip, bool bad_diff)
{
	tarw t;
	char *path = tar_open(&t, name);
	unsigned char gz[256];
	uLongf gzlen = sizeof(gz);
	z_stream z;
	char diff[72], ld[72], cd[72], md[72], cfg[512], man[1024], idx[512];
	char bn[128];

	memset(&z, 0, sizeof(z));
	assert_int_equal(
	    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)LAYER1;
	z.avail_in = (unsigned)strlen(LAYER1);
	z.next_out = gz;
	z.avail_out = (unsigned)gzlen;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	gzlen = z.total_out;
	deflateEnd(&z);
	if (bad_gzip)
		gz[gzlen / 2] ^= 0x55;
	ecra_registry_sha256(
	    diff, bad_diff ? "x" : LAYER1, bad_diff ? 1 : strlen(LAYER1));
	ecra_registry_sha256(ld, gz, gzlen);
	snprintf(cfg, sizeof(cfg),
	    "{\"architecture\":\"arm64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
	    "\"layers\",\"diff_ids\":[\"%s\"]}}",
	    diff);
	ecra_registry_sha256(cd, cfg, strlen(cfg));
	snprintf(man, sizeof(man),
	    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image."
	    "manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd."
	    "oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
	    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1."
	    "tar+gzip\",\"digest\":\"%s\",\"size\":%lu}]}",
	    cd, strlen(cfg), ld, (unsigned long)gzlen + (bad_size ? 1 : 0));
	ecra_registry_sha256(md, man, strlen(man));
	snprintf(idx, sizeof(idx),
	    "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/"
	    "vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%zu}]"
	    "}",
	    md, strlen(man));
	tar_file(&t, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
	tar_file(&t, "index.json", idx);
	snprintf(bn, sizeof(bn), "blobs/sha256/%s", cd + 7);
	tar_file(&t, bn, cfg);
	snprintf(bn, sizeof(bn), "blobs/sha256/%s", md + 7);
	tar_file(&t, bn, man);
	snprintf(bn, sizeof(bn), "blobs/sha256/%s", ld + 7);
	tar_entry(&t, bn, '0', NULL, gz, gzlen);
	tar_close(&t);
	return path;
}

static void oci_layouts(void **state)
{
	(void)state;
	assert_ok(ecra_image_archive_check(
	    oci_layout("oci.tar", false, false, false), NULL));
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(
	        oci_layout("oci.tar", true, false, false), NULL));
	assert_error_contains("but its descriptor says");
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(
	        oci_layout("oci.tar", false, true, false), NULL));
	assert_error_contains("layer 'blobs/sha256/");
	assert_fails_with(ECRA_EINVALID,
	    ecra_image_archive_check(
	        oci_layout("oci.tar", false, false, true), NULL));
	assert_error_contains("rootfs.diff_ids says");
}

static int setup(void **state)
{
	(void)state;
	assert_true(ecra_init() > 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(sandbox_dir());
	ecra_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_docker_save),
		cmocka_unit_test(config_not_json),
		cmocka_unit_test(diff_id_mismatch),
		cmocka_unit_test(layer_count_mismatch),
		cmocka_unit_test(missing_entry),
		cmocka_unit_test(path_traversal),
		cmocka_unit_test(links_followed),
		cmocka_unit_test(several_images),
		cmocka_unit_test(not_an_image),
		cmocka_unit_test(oci_layouts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
