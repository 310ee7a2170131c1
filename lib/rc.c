/* SPDX-License-Identifier: MIT */
/*
 * rc: names of result codes.
 */
#include "rc.h"

static const char *const names[RC__MAX] = {
	"ok",			/* RC_OK */
	"invalid input",	/* RC_INVALID */
	"denied",		/* RC_DENIED */
	"bad request",		/* RC_BADREQ */
	"request too large",	/* RC_TOOBIG */
	"unsupported media type", /* RC_MEDIA */
	"not found",		/* RC_NOTFOUND */
	"already exists",	/* RC_EXISTS */
	"expired",		/* RC_EXPIRED */
	"csrf violation",	/* RC_CSRF */
	"retry",		/* RC_RETRY */
	"database needs recovery", /* RC_PANIC */
	"storage error",	/* RC_STORE */
	"crypto error",		/* RC_CRYPTO */
	"system error",		/* RC_SYSTEM */
};

const char *
rc_str(enum rc rc)
{
	if ((unsigned)rc >= RC__MAX)
		return "unknown";
	return names[rc];
}
