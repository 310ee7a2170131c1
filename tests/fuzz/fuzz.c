/* SPDX-License-Identifier: MIT */
/*
 * fuzz: helpers shared by the fuzz targets (see fuzz.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "fuzz.h"

void
fuzz_fail(const char *file, int line, const char *what)
{
	/* Straight to the descriptor: the stderr stream may be silenced. */
	dprintf(STDERR_FILENO, "%s:%d: invariant failed: %s\n", file, line,
	    what);
	abort();
}

char *
fuzz_cstr(struct arena *a, const uint8_t *data, size_t size)
{
	return arena_strndup(a, (const char *)data, size);
}

void
fuzz_quiet_stderr(void)
{
	FILE	*null;

	if ((null = fopen("/dev/null", "w")) == NULL) {
		dprintf(STDERR_FILENO, "/dev/null: %s\n", strerror(errno));
		abort();
	}

	/* glibc's stderr is an assignable FILE pointer. */
	stderr = null;
}

static char	 tmpdir[PATH_MAX];

/* Remove the scratch directory and the files in it (it holds no others). */
static void
tmpdir_remove(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[PATH_MAX + 256];

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
}

void
fuzz_tmpdir_init(void)
{
	const char	*t;

	if (*tmpdir != '\0')
		return;
	if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
		t = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/gatehouse-fuzz-XXXXXX", t);
	if (mkdtemp(tmpdir) == NULL) {
		dprintf(STDERR_FILENO, "%s: %s\n", tmpdir, strerror(errno));
		abort();
	}
	atexit(tmpdir_remove);
}

const char *
fuzz_write_file(const char *name, const void *p, size_t n)
{
	static char	 path[PATH_MAX + 256];
	int		 fd;

	fuzz_tmpdir_init();
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (n > 0 && write(fd, p, n) != (ssize_t)n) ||
	    close(fd) == -1) {
		dprintf(STDERR_FILENO, "%s: %s\n", path, strerror(errno));
		abort();
	}
	return path;
}

const char *
fuzz_source_file(const char *rel)
{
	static char	 path[PATH_MAX + 256];
	char		 dir[PATH_MAX], *slash;
	const char	*root;
	ssize_t		 n;

	if ((root = getenv("GATEHOUSE_ROOT")) != NULL && *root != '\0') {
		snprintf(path, sizeof(path), "%s/%s", root, rel);
		if (access(path, R_OK) == 0)
			return path;
		dprintf(STDERR_FILENO, "%s: %s\n", path, strerror(errno));
		abort();
	}
	if ((n = readlink("/proc/self/exe", dir, sizeof(dir) - 1)) == -1) {
		dprintf(STDERR_FILENO, "/proc/self/exe: %s\n", strerror(errno));
		abort();
	}
	dir[n] = '\0';
	while ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, rel);
		if (access(path, R_OK) == 0)
			return path;
	}
	dprintf(STDERR_FILENO, "%s: not found above the binary; set "
	    "GATEHOUSE_ROOT\n", rel);
	abort();
}
