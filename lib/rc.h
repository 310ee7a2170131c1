/* SPDX-License-Identifier: MIT */
/*
 * rc: the result every fallible function returns.  Internal errors
 * (RC_STORE, RC_CRYPTO, RC_SYSTEM) are logged where they first happen and
 * only passed up afterwards.  Out-parameters are written only on RC_OK.
 */
#ifndef RC_H
#define RC_H

enum rc {
	RC_OK = 0,
	RC_INVALID,	/* user-correctable; messages attached to the flow */
	RC_DENIED,	/* wrong credentials: one generic message */
	RC_BADREQ,	/* malformed protocol or encoding -> 400 */
	RC_TOOBIG,	/* request body above the limit -> 413 */
	RC_MEDIA,	/* unsupported content type -> 415 */
	RC_NOTFOUND,	/* lookup miss */
	RC_EXISTS,	/* unique-key clash */
	RC_EXPIRED,	/* flow or session expired */
	RC_CSRF,	/* anti-CSRF check failed -> 403 */
	RC_RETRY,	/* Berkeley DB deadlock or lock timeout: rerun */
	RC_PANIC,	/* Berkeley DB needs recovery: reopen the environment */
	RC_STORE,	/* storage failure -> 500, logged */
	RC_CRYPTO,	/* crypto library failure -> 500, logged */
	RC_SYSTEM,	/* any other internal failure -> 500, logged */
	RC__MAX
};

/* A short English name for rc, for logs. */
const char	*rc_str(enum rc rc);

#endif /* RC_H */
