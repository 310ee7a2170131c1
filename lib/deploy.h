/* SPDX-License-Identifier: MIT */
/*
 * deploy: start-up checks of the files a deployment relies on, run once
 * per process after the configuration is loaded and before the store is
 * opened.
 *
 * - The state directory (the Berkeley DB environment: sessions, password
 *   hashes, sealed TOTP secrets) must belong to the user Gatehouse runs
 *   as and be mode 0700: anything looser stops start-up with a message
 *   naming the directory and the chmod/chown to run.  A directory that
 *   does not exist yet is fine: the store creates it with mode 0700.
 * - A configuration file that holds secrets and can be read by others --
 *   or by its group when the group is not what lets this process read it
 *   -- draws a warning with the chmod to run; start-up goes on.
 *
 * Messages go to standard error, which lighttpd and Apache route to their
 * error log.
 */
#ifndef DEPLOY_H
#define DEPLOY_H

struct config;

/* 0 when the process may go on (warnings printed), -1 after the reason. */
int	 deploy_check(const struct config *cfg);

#endif /* DEPLOY_H */
