/* SPDX-License-Identifier: MIT */
/*
 * deploy: permission checks of the state directory and the configuration
 * file at start-up (see deploy.h).  Two stat(2) calls on the good path, so
 * CGI mode pays nothing noticeable; user names are looked up (NSS) only
 * when there is something to report.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "deploy.h"

/* "name" for uid, or the number when it has no name. */
static const char *
user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd	*pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)uid);
	return buf;
}

static int
check_state_dir(const char *dir)
{
	struct stat	 st;
	char		 owner[64], me[64];
	uid_t		 euid = geteuid();

	if (stat(dir, &st) == -1) {
		if (errno == ENOENT)
			return 0;	/* store_open() creates it, mode 0700 */
		fprintf(stderr, "gatehouse[%ld]: error: state directory %s: "
		    "%s\n", (long)getpid(), dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "gatehouse[%ld]: error: state directory %s is "
		    "not a directory\n", (long)getpid(), dir);
		return -1;
	}
	if (st.st_uid != euid) {
		user_name(st.st_uid, owner, sizeof(owner));
		user_name(euid, me, sizeof(me));
		fprintf(stderr, "gatehouse[%ld]: error: state directory %s "
		    "belongs to %s, but Gatehouse runs as %s: the sessions "
		    "and password hashes in it must belong to the user that "
		    "runs Gatehouse; run  chown -R %s %s  (or run Gatehouse "
		    "as %s)\n", (long)getpid(), dir, owner, me, me, dir,
		    owner);
		fflush(stderr);
		return -1;
	}
	/* Group and others: no access at all; the owner: everything. */
	if ((st.st_mode & 077) != 0 || (st.st_mode & 0700) != 0700) {
		fprintf(stderr, "gatehouse[%ld]: error: state directory %s has "
		    "mode %04o; it must be 0700 (only its owner may enter, "
		    "read or write it): run  chmod 700 %s\n", (long)getpid(),
		    dir, (unsigned)(st.st_mode & 07777), dir);
		fflush(stderr);
		return -1;
	}
	return 0;
}

static void
check_config_file(const struct config *cfg)
{
	struct stat	 st;
	mode_t		 m;

	if (cfg->path == NULL || stat(cfg->path, &st) == -1)
		return;
	if (cfg->cookie_secrets_len == 0 && cfg->cipher_secrets_len == 0)
		return;
	m = st.st_mode;

	/*
	 * Others: never needed.  The group: needed only when this process
	 * reads the file through it (say root:www-data 0640 with Apache
	 * running CGI programs as www-data), not when it owns the file.
	 */
	if ((m & S_IROTH) || ((m & S_IRGRP) && st.st_uid == geteuid())) {
		fprintf(stderr, "gatehouse[%ld]: warning: %s holds secrets "
		    "and is readable by %s (mode %04o): run  chmod %s %s\n",
		    (long)getpid(), cfg->path, (m & S_IROTH) ? "everyone" :
		    "its group", (unsigned)(m & 07777),
		    st.st_uid == geteuid() ? "600" : "640", cfg->path);
		fflush(stderr);
	}
}

int
deploy_check(const struct config *cfg)
{
	check_config_file(cfg);
	if (cfg->state_dir != NULL && check_state_dir(cfg->state_dir) == -1)
		return -1;
	return 0;
}
