/* SPDX-License-Identifier: MIT */
/*
 * throttle: failed-attempt counters shared by every worker (kept in the
 * Berkeley DB environment), per account and per client IP, with an
 * exponential back-off rather than a permanent lock -- so an attacker can
 * slow a victim's sign-in for a while but never lock them out for good
 * (NIST SP 800-63B §5.2.2; far inside its 100-failure ceiling).
 *
 * Keys are "acct:<normalised identifier>" and "ip:<address>"; an account
 * counter exists whether or not the account does, so throttling reveals
 * nothing about which accounts exist.
 */
#ifndef THROTTLE_H
#define THROTTLE_H

#include <stdint.h>

#include "rc.h"

struct req;

/*
 * May an attempt for `account` (may be NULL) from this client go ahead?
 * RC_OK, or RC_DENIED with *retry_after (seconds) set; store errors.
 */
enum rc	 throttle_check(struct req *r, const char *account,
	    int64_t *retry_after);

/* Count a failed attempt for account and for the client's IP. */
enum rc	 throttle_fail(struct req *r, const char *account);

/* A success: forget the account's failures. */
enum rc	 throttle_clear(struct req *r, const char *account);

#endif /* THROTTLE_H */
