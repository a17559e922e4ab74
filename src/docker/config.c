/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * docker/config.c - the private DOCKER_CONFIG of one publish run.
 *
 * `docker login` writes credentials into the config directory it runs
 * with. To never touch the user's own config (or keychain), every docker
 * command of a run gets DOCKER_CONFIG=<private dir>, seeded from the
 * user's config.json so that builds can still pull private base images.
 */
#include "docker/docker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "json/json.h"
#include "util/buf.h"

static const char *const kept_keys[] = { "auths", "credHelpers", "proxies",
	"HttpHeaders", "cliPluginsExtraDirs", NULL };

static int seed_config(ecra_json *cfg, const char *user_dir)
{
	ecra_buf path = ECRA_BUF_INIT(0);
	ecra_json *user = NULL, *dirs = NULL, *v;
	struct stat st;
	size_t i;
	int error = 0;

	if (user_dir == NULL || user_dir[0] == '\0')
		goto done;
	if ((error = ecra_buf_printf(&path, "%s/config.json", user_dir)) < 0)
		goto done;
	/* An unreadable or malformed user config is simply not copied. */
	if (ecra_json_load_file(&user, path.ptr, 0, 0) == 0 &&
	    ecra_json_typeof(user) == ECRA_JSON_OBJECT) {
		for (i = 0; kept_keys[i] != NULL; i++)
			if ((v = ecra_json_get(user, kept_keys[i])) != NULL &&
			    (error = ecra_json_set(cfg, kept_keys[i], v)) < 0)
				goto done;
	}
	ecra_error_clear();
	ecra_buf_clear(&path);
	if ((error = ecra_buf_printf(&path, "%s/cli-plugins", user_dir)) < 0)
		goto done;
	if (stat(path.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
		v = ecra_json_get(cfg, "cliPluginsExtraDirs");
		dirs = v != NULL && ecra_json_typeof(v) == ECRA_JSON_ARRAY
		           ? ecra_json_copy(v)
		           : ecra_json_array();
		if (dirs == NULL ||
		    (error = ecra_json_push_new(
		         dirs, ecra_json_str(path.ptr))) < 0 ||
		    (error = ecra_json_set(cfg, "cliPluginsExtraDirs", dirs)) <
		        0) {
			error = error < 0 ? error : ECRA_ENOMEM;
			goto done;
		}
	}
done:
	ecra_json_free(user);
	ecra_json_free(dirs);
	ecra_buf_dispose(&path);
	return error;
}

/* The two kinds of private config directory, named
 * "<prefix><pid>-<pid namespace>-XXXXXX" so that one left by a killed run
 * can be told apart from one in use (see ecra_docker_config_sweep). */
static const char *const owned_prefixes[] = { "ecra-docker-",
	"cdkDockerConfig-ecra-", NULL };

/* The inode of our pid namespace (0 if /proc is not there): a pid only
 * means something inside its namespace, and containers may share a
 * temp dir. */
static unsigned long long pid_namespace(void)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/pid", link, sizeof(link) - 1);
	const char *p;

	if (n <= 0)
		return 0;
	link[n] = '\0';
	p = strchr(link, '[');
	return p != NULL ? strtoull(p + 1, NULL, 10) : 0;
}

/* mkdtemp "<tmpdir>/<prefix><pid>-<ns>-XXXXXX" and write `cfg` as its
 * config.json (0600 in a 0700 directory). */
static int write_config_dir(char **out, const char *tmpdir, const char *prefix,
    const ecra_json *cfg, unsigned int indent)
{
	ecra_buf dir = ECRA_BUF_INIT(0), file = ECRA_BUF_INIT(0),
	         text = ECRA_BUF_INIT(0);
	const char *base = tmpdir != NULL && tmpdir[0] ? tmpdir : "/tmp";
	int fd = -1, error;

	*out = NULL;
	if ((error = ecra_buf_printf(&dir, "%s/%s%ld-%llu-XXXXXX", base, prefix,
	         (long)getpid(), pid_namespace())) < 0)
		goto done;
	if (mkdtemp(dir.ptr) == NULL) {
		error = ecra_error_set_os(ECRA_EIO,
		    "cannot create a private docker config in '%s'", base);
		goto done;
	}
	if ((error = ecra_json_write(&text, cfg, indent)) < 0 ||
	    (indent > 0 && (error = ecra_buf_putc(&text, '\n')) < 0) ||
	    (error = ecra_buf_printf(&file, "%s/config.json", dir.ptr)) < 0)
		goto remove;
	fd = open(file.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text.ptr, text.size) != (ssize_t)text.size) {
		error =
		    ecra_error_set_os(ECRA_EIO, "cannot write '%s'", file.ptr);
		goto remove;
	}
	if (close(fd) != 0) {
		fd = -1;
		error =
		    ecra_error_set_os(ECRA_EIO, "cannot write '%s'", file.ptr);
		goto remove;
	}
	fd = -1;
	*out = ecra_buf_detach(&dir);
	if (*out == NULL)
		error = ECRA_ENOMEM;
	goto done;
remove:
	if (fd >= 0)
		close(fd);
	fd = -1;
	ecra_docker_config_remove(dir.ptr);
done:
	ecra_buf_dispose(&dir);
	ecra_buf_dispose(&file);
	ecra_buf_dispose(&text);
	return error;
}

int ecra_docker_config_create(
    char **out, const char *tmpdir, const char *user_config_dir)
{
	ecra_json *cfg = NULL;
	int error;

	*out = NULL;
	if ((cfg = ecra_json_object()) == NULL)
		return ECRA_ENOMEM;
	if ((error = seed_config(cfg, user_config_dir)) == 0)
		error = write_config_dir(out, tmpdir, "ecra-docker-", cfg, 1);
	ecra_json_free(cfg);
	return error;
}

int ecra_docker_config_create_helpers(char **out, const char *tmpdir,
    const char *user_config_dir, const char *const *domains, size_t count,
    const char *helper)
{
	ecra_json *cfg = NULL, *helpers = NULL, *v;
	size_t i;
	int error;

	*out = NULL;
	if ((cfg = ecra_json_object()) == NULL)
		return ECRA_ENOMEM;
	if ((error = seed_config(cfg, user_config_dir)) < 0)
		goto done;
	v = ecra_json_get(cfg, "credHelpers");
	helpers = v != NULL && ecra_json_typeof(v) == ECRA_JSON_OBJECT
	              ? ecra_json_copy(v)
	              : ecra_json_object();
	if (helpers == NULL) {
		error = ECRA_ENOMEM;
		goto done;
	}
	for (i = 0; i < count; i++)
		if ((error = ecra_json_set_str(helpers, domains[i], helper)) <
		    0)
			goto done;
	if ((error = ecra_json_set(cfg, "credHelpers", helpers)) < 0)
		goto done;
	/* Compact, as cdk-assets writes it. */
	error = write_config_dir(out, tmpdir, "cdkDockerConfig-ecra-", cfg, 0);
done:
	ecra_json_free(helpers);
	ecra_json_free(cfg);
	return error;
}

static int remove_tree(const char *path, int depth)
{
	DIR *d = NULL;
	struct dirent *e;
	struct stat st;
	ecra_buf child = ECRA_BUF_INIT(0);
	int error = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0
		                       : ecra_error_set_os(ECRA_EIO,
		                             "cannot remove '%s'", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0)
			return ecra_error_set_os(
			    ECRA_EIO, "cannot remove '%s'", path);
		return 0;
	}
	if (depth > 32)
		return ecra_error_set(
		    ECRA_EIO, "cannot remove '%s': too deep", path);
	if ((d = opendir(path)) == NULL)
		return ecra_error_set_os(ECRA_EIO, "cannot remove '%s'", path);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		ecra_buf_clear(&child);
		if ((error = ecra_buf_printf(
		         &child, "%s/%s", path, e->d_name)) < 0 ||
		    (error = remove_tree(child.ptr, depth + 1)) < 0)
			goto done;
	}
	if (rmdir(path) != 0)
		error = ecra_error_set_os(ECRA_EIO, "cannot remove '%s'", path);
done:
	closedir(d);
	ecra_buf_dispose(&child);
	return error;
}

int ecra_docker_config_remove(const char *dir)
{
	if (dir == NULL)
		return 0;
	return remove_tree(dir, 0);
}

/* Is `name` a private config of a run of ours that is gone: one of our
 * prefixes, then "<pid>-<ns>-" and six mkdtemp characters, made in our
 * pid namespace by a process that no longer exists? */
static bool is_stale(const char *name, unsigned long long ns)
{
	const char *p = NULL;
	char *end;
	long pid;
	unsigned long long their_ns;
	size_t i;

	for (i = 0; owned_prefixes[i] != NULL; i++)
		if (strncmp(name, owned_prefixes[i],
		        strlen(owned_prefixes[i])) == 0)
			p = name + strlen(owned_prefixes[i]);
	if (p == NULL || *p < '1' || *p > '9')
		return false;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno != 0 || *end != '-' || pid <= 0 || pid > INT_MAX)
		return false;
	p = end + 1;
	if (*p < '0' || *p > '9')
		return false;
	their_ns = strtoull(p, &end, 10);
	if (*end != '-' || strlen(end + 1) != 6 || their_ns != ns)
		return false;
	if ((pid_t)pid == getpid())
		return false;
	/* EPERM: alive, someone else's; only ESRCH means gone. */
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int ecra_docker_config_sweep(const char *tmpdir, size_t *removed)
{
	const char *base = tmpdir != NULL && tmpdir[0] ? tmpdir : "/tmp";
	unsigned long long ns = pid_namespace();
	ecra_buf path = ECRA_BUF_INIT(0);
	struct dirent *e;
	struct stat st;
	DIR *d;
	int error = 0;

	if (removed != NULL)
		*removed = 0;
	if ((d = opendir(base)) == NULL)
		return 0; /* mkdtemp will say what is wrong with it */
	while ((e = readdir(d)) != NULL) {
		if (!is_stale(e->d_name, ns))
			continue;
		ecra_buf_clear(&path);
		if ((error = ecra_buf_printf(&path, "%s/%s", base, e->d_name)) <
		    0)
			break;
		/* Only a real directory of ours, never through a link. */
		if (lstat(path.ptr, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		if (remove_tree(path.ptr, 0) < 0) {
			ecra_error_clear(); /* best effort */
			continue;
		}
		if (removed != NULL)
			(*removed)++;
	}
	closedir(d);
	ecra_buf_dispose(&path);
	return error;
}
