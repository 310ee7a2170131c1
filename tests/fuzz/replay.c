/* SPDX-License-Identifier: MIT */
/*
 * replay: a main() for a fuzz target without the libFuzzer runtime.  Runs
 * LLVMFuzzerTestOneInput() once on every file named on the command line or
 * found in a directory named there (sorted, not recursive), each in a
 * forked child so that one crash, leak or hang is reported with its file
 * and the others still run.  Ends with "<target>: N passed, N failed".
 *
 *	replay [-t seconds] path ...
 *
 * A child fails when a sanitizer reports (the build uses
 * -fno-sanitize-recover=all), on a signal, when LeakSanitizer finds memory
 * the input leaked, or after the timeout (10 s by default).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/* Provided by LeakSanitizer when the build has it; NULL otherwise. */
int	 __lsan_do_recoverable_leak_check(void) __attribute__((weak));

/* LLVMFuzzerInitialize() is optional in a target. */
#pragma weak LLVMFuzzerInitialize

static const char	*target;
static unsigned		 timeout = 10;
static size_t		 passed, failed;

/* Read the whole file into a malloc()ed buffer; -1 with errno set. */
static int
slurp(const char *path, unsigned char **out, size_t *len)
{
	unsigned char	*p = NULL, *q;
	size_t		 n = 0, cap = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((q = realloc(p, cap)) == NULL)
				goto fail;
			p = q;
		}
		if ((r = read(fd, p + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = p;
	*len = n;
	return 0;
fail:
	free(p);
	close(fd);
	return -1;
}

/* The child: one input, then a leak check; exits 0 when all is well. */
static void
child(const char *path)
{
	unsigned char	*data;
	size_t		 len;

	alarm(timeout);
	if (slurp(path, &data, &len) == -1) {
		/* Straight to the descriptor: stderr may be silenced. */
		dprintf(STDERR_FILENO, "%s: %s\n", path, strerror(errno));
		_exit(2);
	}
	(void)LLVMFuzzerTestOneInput(data, len);
	free(data);
	if (__lsan_do_recoverable_leak_check != NULL &&
	    __lsan_do_recoverable_leak_check() != 0)
		_exit(3);

	/* _exit: the parent's atexit() handlers are not the child's. */
	_exit(0);
}

static void
run(const char *path)
{
	pid_t	 pid;
	int	 status;

	fflush(NULL);
	if ((pid = fork()) == -1) {
		perror("fork");
		exit(2);
	}
	if (pid == 0)
		child(path);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			perror("waitpid");
			exit(2);
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		passed++;
		return;
	}
	failed++;
	if (WIFSIGNALED(status))
		printf("%s: FAILED on %s: signal %d%s\n", target, path,
		    WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else
		printf("%s: FAILED on %s: exit status %d\n", target, path,
		    WEXITSTATUS(status));
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Every regular file in dir, in name order (dot files are skipped). */
static void
run_dir(const char *dir)
{
	struct dirent	**ents;
	char		  path[PATH_MAX];
	int		  n, i;

	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1) {
		printf("%s: %s: %s\n", target, dir, strerror(errno));
		failed++;
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !is_dir(path))
			run(path);
		free(ents[i]);
	}
	free(ents);
}

int
main(int argc, char *argv[])
{
	const char	*slash;
	char		*end;
	int		 c, i;

	target = (slash = strrchr(argv[0], '/')) != NULL ? slash + 1 : argv[0];
	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't') {
			fprintf(stderr, "usage: %s [-t seconds] path ...\n",
			    target);
			return 2;
		}
		timeout = (unsigned)strtoul(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || timeout == 0) {
			fprintf(stderr, "%s: -t: expected seconds\n", target);
			return 2;
		}
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = optind; i < argc; i++) {
		if (is_dir(argv[i]))
			run_dir(argv[i]);
		else
			run(argv[i]);
	}
	if (passed + failed == 0) {
		printf("%s: no input given or found\n", target);
		failed++;
	}
	printf("%s: %zu passed, %zu failed\n", target, passed, failed);
	return failed == 0 ? 0 : 1;
}
