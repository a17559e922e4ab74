/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * unit/registry/fake_registry.h - start and stop fake_registry.py, the
 * in-memory registry on 127.0.0.1 that registry and publish tests share.
 * One per test program (the state is this file's statics).
 */
#ifndef TESTS_UNIT_REGISTRY_FAKE_REGISTRY_H
#define TESTS_UNIT_REGISTRY_FAKE_REGISTRY_H

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static FILE *fake_registry_pipe_;
static long fake_registry_pid_;

/* Start it; `host` gets "127.0.0.1:<port>". 0, or -1 if it did not
 * come up. */
static inline int fake_registry_start(char host[64])
{
	char cmd[1024];
	const char *py = access("/usr/bin/python3", X_OK) == 0
	                     ? "/usr/bin/python3"
	                     : "python3";
	int port;

	snprintf(cmd, sizeof(cmd),
	    "exec %s %s/tests/unit/registry/fake_registry.py", py,
	    ECRA_SOURCE_DIR);
	fake_registry_pipe_ = popen(cmd, "r");
	if (fake_registry_pipe_ == NULL || fscanf(fake_registry_pipe_, "%d %ld",
	                                       &port, &fake_registry_pid_) != 2)
		return -1;
	snprintf(host, 64, "127.0.0.1:%d", port);
	return 0;
}

static inline void fake_registry_stop(void)
{
	if (fake_registry_pid_ > 0)
		kill((pid_t)fake_registry_pid_, SIGTERM);
	if (fake_registry_pipe_)
		pclose(fake_registry_pipe_);
	fake_registry_pid_ = 0;
	fake_registry_pipe_ = NULL;
}

#endif /* TESTS_UNIT_REGISTRY_FAKE_REGISTRY_H */
