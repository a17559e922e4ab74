/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tests/unit/docker/config.c - private docker configs are named after
 * their run (pid and pid namespace), and ecra_docker_config_sweep()
 * removes exactly those that a killed run left: ours, dead, real
 * directories; never a live run's, a link, a file or anything else.
 */
#include "helpers.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "docker/docker.h"

static char base[4096];

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "%s", sandbox_dir());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sandbox_cleanup(base);
	return 0;
}

static unsigned long long ns_of_self(void)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);

	if (n <= 0)
		return 0;
	link[n] = '\0';
	return strchr(link, '[') ? strtoull(strchr(link, '[') + 1, NULL, 10)
	                         : 0;
}

/* A pid that existed and is gone: a reaped child's. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(kill(pid, 0) != 0);
	return pid;
}

static bool exists(const char *name)
{
	char p[4300];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", base, name);
	return lstat(p, &st) == 0;
}

static void mkdir_in(const char *name)
{
	char p[4300];

	snprintf(p, sizeof(p), "%s/%s", base, name);
	assert_int_equal(mkdir(p, 0700), 0);
}

static void name_has_pid_and_namespace(void **state)
{
	char *dir = NULL, *helpers = NULL, want[4300];
	const char *domains[] = { "x.io" };

	(void)state;
	assert_ok(ecra_docker_config_create(&dir, base, "/nonexistent"));
	snprintf(want, sizeof(want), "%s/ecra-docker-%ld-%llu-", base,
	    (long)getpid(), ns_of_self());
	assert_int_equal(strncmp(dir, want, strlen(want)), 0);
	assert_int_equal(strlen(dir), strlen(want) + 6);
	assert_ok(ecra_docker_config_create_helpers(
	    &helpers, base, NULL, domains, 1, "cdk-assets"));
	snprintf(want, sizeof(want), "%s/cdkDockerConfig-ecra-%ld-%llu-", base,
	    (long)getpid(), ns_of_self());
	assert_int_equal(strncmp(helpers, want, strlen(want)), 0);
	/* Our own (live) ones are never swept. */
	{
		size_t n = 9;

		assert_ok(ecra_docker_config_sweep(base, &n));
		assert_int_equal(n, 0);
	}
	assert_ok(ecra_docker_config_remove(dir));
	assert_ok(ecra_docker_config_remove(helpers));
	ecra_free(dir);
	ecra_free(helpers);
}

static void sweep_removes_only_dead_runs(void **state)
{
	unsigned long long ns = ns_of_self();
	long dead = (long)dead_pid(), live = (long)getppid();
	char stale[256], stale2[256], alive[256], other_ns[256], link[256],
	    file[256], target[4300], p[4300];
	size_t n = 0;

	(void)state;
	snprintf(stale, sizeof(stale), "ecra-docker-%ld-%llu-AbC123", dead, ns);
	snprintf(stale2, sizeof(stale2), "cdkDockerConfig-ecra-%ld-%llu-zz9Q0x",
	    dead, ns);
	snprintf(alive, sizeof(alive), "ecra-docker-%ld-%llu-Live01", live, ns);
	snprintf(other_ns, sizeof(other_ns), "ecra-docker-%ld-%llu-OthNs1",
	    dead, ns + 1);
	snprintf(link, sizeof(link), "ecra-docker-%ld-%llu-Link01", dead, ns);
	snprintf(file, sizeof(file), "ecra-docker-%ld-%llu-File01", dead, ns);

	mkdir_in(stale);
	snprintf(p, sizeof(p), "%s/config.json", stale);
	write_text(base, p, "{\"auths\":{\"h\":{\"auth\":\"c2VjcmV0\"}}}");
	snprintf(p, sizeof(p), "%s/buildx/x", stale);
	write_text(base, p, "nested");
	mkdir_in(stale2);
	mkdir_in(alive);
	mkdir_in(other_ns);
	mkdir_in("ecra-docker-XXyyZZ");       /* the old naming: unknown pid */
	mkdir_in("ecra-docker-12x-1-abcdef"); /* not a pid */
	mkdir_in("keep-me");
	snprintf(p, sizeof(p), "keep-me/ecra-docker-%ld-%llu-Inner1", dead, ns);
	mkdir_in(p);
	/* A link with a stale name: the link may go, never its target. */
	snprintf(target, sizeof(target), "%s/keep-me", base);
	snprintf(p, sizeof(p), "%s/%s", base, link);
	assert_int_equal(symlink(target, p), 0);
	write_text(base, file, "not a directory");

	assert_ok(ecra_docker_config_sweep(base, &n));
	assert_int_equal(n, 2);
	assert_false(exists(stale));
	assert_false(exists(stale2));
	assert_true(exists(alive));
	assert_true(exists(other_ns));
	assert_true(exists("ecra-docker-XXyyZZ"));
	assert_true(exists("ecra-docker-12x-1-abcdef"));
	assert_true(exists("keep-me"));
	snprintf(p, sizeof(p), "keep-me/ecra-docker-%ld-%llu-Inner1", dead, ns);
	assert_true(exists(p));
	assert_true(exists(link));
	assert_true(exists(file));

	/* A temp dir that does not exist is not an error. */
	assert_ok(ecra_docker_config_sweep("/nonexistent-ecra-dir", &n));
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    name_has_pid_and_namespace, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    sweep_removes_only_dead_runs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
