/* SPDX-License-Identifier: MIT */
/*
 * argon2_rate: raw argon2id hashes per second with libargon2 alone, at the
 * parameters of a Gatehouse configuration (hashers.argon2.*), so that the
 * password sign-in can be compared with the cost of its one hash.
 *
 *   argon2_rate CONFIG SECONDS PROCS
 *
 * Runs PROCS processes side by side (one per core to compare with that
 * many workers), each hashing in a loop for SECONDS, and prints
 *   procs=P hashes=N seconds=S rate=R cpu_ms_per_hash=C
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <argon2.h>

#include "arena.h"
#include "config.h"

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	struct arena	 a;
	struct rusage	 ru;
	double		 secs, t0, t1, cpu;
	int		 procs, i, fds[2];
	long		 total = 0, n;

	if (argc != 4) {
		fprintf(stderr, "usage: argon2_rate CONFIG SECONDS PROCS\n");
		return 64;
	}
	arena_init(&a, 65536);
	arena_use_for_json(&a);
	if (config_load(&cfg, argv[1]) == -1)
		return 78;
	secs = atof(argv[2]);
	procs = atoi(argv[3]);
	if (pipe(fds) == -1)
		return 71;
	t0 = now();
	for (i = 0; i < procs; i++) {
		if (fork() == 0) {
			uint8_t	 salt[16], out[32];
			double	 end = now() + secs;

			memset(salt, 0x5a, sizeof(salt));
			for (n = 0; now() < end; n++) {
				salt[0] = (uint8_t)n;
				if (argon2id_hash_raw(cfg.argon2.iterations,
				    cfg.argon2.memory_kib, cfg.argon2.parallelism,
				    "Quartz-Lantern-benchmark", 24, salt,
				    sizeof(salt), out, sizeof(out)) != ARGON2_OK)
					_exit(1);
			}
			if (write(fds[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
			_exit(0);
		}
	}
	for (i = 0; i < procs; i++) {
		if (read(fds[0], &n, sizeof(n)) == sizeof(n))
			total += n;
	}
	while (wait(NULL) > 0)
		;
	t1 = now();
	getrusage(RUSAGE_CHILDREN, &ru);
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("procs=%d hashes=%ld seconds=%.3f rate=%.2f cpu_ms_per_hash=%.3f "
	    "m_kib=%u t=%u p=%u\n", procs, total, t1 - t0,
	    (double)total / (t1 - t0), total ? cpu * 1e3 / (double)total : 0,
	    cfg.argon2.memory_kib, cfg.argon2.iterations,
	    cfg.argon2.parallelism);
	return 0;
}
