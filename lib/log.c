/* SPDX-License-Identifier: MIT */
/*
 * log: err(3)-style logging to standard error with the pid, so lines from
 * several workers can be told apart.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *prog = "gatehouse";

void
log_init(const char *progname)
{
	prog = progname;
}

static void
vlog(const char *level, const char *fmt, va_list ap, const char *suffix)
{
	char	 line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (suffix != NULL)
		fprintf(stderr, "%s[%ld]: %s: %s: %s\n", prog, (long)getpid(),
		    level, line, suffix);
	else
		fprintf(stderr, "%s[%ld]: %s: %s\n", prog, (long)getpid(),
		    level, line);
	fflush(stderr);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog("warning", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("warning", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("info", fmt, ap, NULL);
	va_end(ap);
}
