/* SPDX-License-Identifier: MIT */
/*
 * clock: the current time, and times as RFC 3339 strings the way Kratos
 * writes them (UTC, microseconds, "Z").
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

struct arena;

/* Microseconds since the epoch (CLOCK_REALTIME). */
int64_t	 clock_now_us(void);

/* "2026-01-02T10:00:00.123456Z" for us, in the arena. */
char	*clock_rfc3339(struct arena *a, int64_t us);

#endif /* CLOCK_H */
