/* SPDX-License-Identifier: MIT */
/*
 * cgi_run: the CPU cost of a CGI program per request.  Runs PROG N times
 * the way a web server runs a CGI program -- fork, exec with the CGI
 * environment this process was given, standard input from BODY (or
 * /dev/null), standard output read to the end through a pipe -- and prints
 * the children's CPU time (getrusage) and wall time per run, and how many
 * answered with a status other than the expected one.
 *
 *   cgi_run PROG N EXPECT_STATUS [BODY|- [ARG...]]
 *
 * EXPECT_STATUS is the "Status:" a run must start with ("200", "303"), or
 * "any" for any output at all, or "none" to check nothing.  The
 * program's standard error goes to /dev/null.  ARGs are passed to PROG (to time process
 * start alone, e.g. "gatehouse.fcgi help").
 *
 * Prints: runs=N cpu_ms=C wall_ms=W bad=B
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
tv(struct timeval t)
{
	return (double)t.tv_sec * 1e3 + (double)t.tv_usec / 1e3;
}

int
main(int argc, char **argv)
{
	struct rusage	 ru;
	struct timespec	 t0, t1;
	char		 buf[65536], want[32];
	int		 n, i, bad = 0, fds[2], in, status;
	pid_t		 pid;
	double		 cpu;

	if (argc < 4) {
		fprintf(stderr, "usage: cgi_run PROG N EXPECT_STATUS "
		    "[BODY|- [ARG...]]\n");
		return 64;
	}
	n = atoi(argv[2]);
	snprintf(want, sizeof(want), "Status: %s", argv[3]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		size_t	 got = 0;
		ssize_t	 r;

		if (pipe(fds) == -1)
			return 71;
		if ((pid = fork()) == 0) {
			in = open(argc >= 5 && strcmp(argv[4], "-") != 0 ?
			    argv[4] : "/dev/null", O_RDONLY);
			dup2(in, 0);
			dup2(fds[1], 1);
			dup2(open("/dev/null", O_WRONLY), 2);
			close(fds[0]);
			close(fds[1]);
			argv[argc > 5 ? 4 : 3] = argv[1];
			execv(argv[1], argv + (argc > 5 ? 4 : 3));
			_exit(127);
		}
		close(fds[1]);
		while ((r = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
			if (got + (size_t)r < sizeof(buf) - 1)
				got += (size_t)r;
		buf[got] = '\0';
		close(fds[0]);
		waitpid(pid, &status, 0);
		if (strcmp(argv[3], "none") != 0 &&
		    strncmp(buf, want, strlen(want)) != 0 &&
		    !(strcmp(argv[3], "any") == 0 && got > 0)) {
			if (bad++ == 0)
				fprintf(stderr, "cgi_run: unexpected answer: "
				    "%.200s\n", buf);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &ru);
	cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
	printf("runs=%d cpu_ms=%.3f wall_ms=%.3f bad=%d\n", n, cpu / n,
	    ((double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / n, bad);
	return 0;
}
