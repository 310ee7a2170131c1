/* SPDX-License-Identifier: MIT */
/*
 * log: one line per event on standard error, which lighttpd and Apache
 * route to their error log.  Never pass a password, code or token here.
 */
#ifndef LOG_H
#define LOG_H

/* Log a message followed by strerror(errno). */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log a message as is. */
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Informational message (start-up, housekeeping). */
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set the program name printed before each line (default "gatehouse"). */
void	log_init(const char *progname);

#endif /* LOG_H */
