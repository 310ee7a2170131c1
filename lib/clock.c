/* SPDX-License-Identifier: MIT */
/*
 * clock: wall-clock time for expiry decisions and JSON timestamps.
 */
#include <stdio.h>
#include <time.h>

#include "arena.h"
#include "clock.h"

int64_t
clock_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *
clock_rfc3339(struct arena *a, int64_t us)
{
	time_t		 t = (time_t)(us / 1000000);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(us % 1000000));
}
