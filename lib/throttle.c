/* SPDX-License-Identifier: MIT */
/*
 * throttle: counters in the throttle database, read and written under
 * the record's write lock (DB_RMW) inside the request's transaction.
 * Counters commit without a synchronous flush: a power cut may give an
 * attacker a few attempts back, which the security requirements accept.
 */
#include <string.h>

#include "arena.h"
#include "config.h"
#include "http.h"
#include "identity.h"
#include "store.h"
#include "throttle.h"

struct counter {
	int64_t	 fails;
	int64_t	 until_us;	/* no attempts before this time */
};

static const char *
ip_key(struct req *r)
{
	return arena_printf(r->a, "ip:%s", r->remote_addr ? r->remote_addr :
	    "-");
}

static const char *
acct_key(struct req *r, const char *account)
{
	return account ? arena_printf(r->a, "acct:%s",
	    identity_normalise(r, account)) : NULL;
}

static enum rc
get(struct req *r, const char *key, struct counter *c, int rmw)
{
	json_t	*rec;
	enum rc	 rc;

	c->fails = 0;
	c->until_us = 0;
	rc = store_get_json(r->store, STORE_THROTTLE, r->txn, r->a, key,
	    strlen(key), &rec, rmw);
	if (rc == RC_NOTFOUND)
		return RC_OK;
	if (rc != RC_OK)
		return rc;
	c->fails = json_integer_value(json_object_get(rec, "fails"));
	c->until_us = json_integer_value(json_object_get(rec, "until_us"));
	return RC_OK;
}

enum rc
throttle_check(struct req *r, const char *account, int64_t *retry_after)
{
	struct counter	 a, i;
	const char	*ak = acct_key(r, account);
	int64_t		 until;
	enum rc		 rc;

	if (!r->cfg->throttle_enabled)
		return RC_OK;
	if ((rc = get(r, ip_key(r), &i, 0)) != RC_OK)
		return rc;
	a.until_us = 0;
	if (ak != NULL && (rc = get(r, ak, &a, 0)) != RC_OK)
		return rc;
	until = a.until_us > i.until_us ? a.until_us : i.until_us;
	if (until <= r->now_us)
		return RC_OK;
	*retry_after = (until - r->now_us + 999999) / 1000000;
	return RC_DENIED;
}

/* free failures, then base, 2 base, 4 base, ... up to max (seconds). */
static int64_t
delay_us(int64_t fails, int64_t free_fails, int64_t base, int64_t max)
{
	int64_t	 d, over = fails - free_fails;

	if (over <= 0)
		return 0;
	d = base;
	while (--over > 0 && d < max)
		d *= 2;
	return (d < max ? d : max) * 1000000;
}

static enum rc
bump(struct req *r, const char *key, int64_t free_fails)
{
	struct counter	 c;
	json_t		*rec;
	int64_t		 d;
	enum rc		 rc;

	if ((rc = get(r, key, &c, 1)) != RC_OK)
		return rc;
	c.fails++;
	d = delay_us(c.fails, free_fails, r->cfg->throttle_base_delay,
	    r->cfg->throttle_max_delay);
	c.until_us = d ? r->now_us + d : 0;

	/* Forget an idle counter a day after its last failure. */
	rec = json_pack("{s:I, s:I, s:I}", "fails", (json_int_t)c.fails,
	    "until_us", (json_int_t)c.until_us, "exp",
	    (json_int_t)(r->now_us / 1000000 + 86400));
	return store_put_json(r->store, STORE_THROTTLE, r->txn, key,
	    strlen(key), rec, 0);
}

enum rc
throttle_fail(struct req *r, const char *account)
{
	const char	*ak = acct_key(r, account);
	enum rc		 rc;

	if (!r->cfg->throttle_enabled)
		return RC_OK;
	if (ak != NULL && (rc = bump(r, ak, r->cfg->throttle_account_free)) !=
	    RC_OK)
		return rc;
	return bump(r, ip_key(r), r->cfg->throttle_ip_free);
}

enum rc
throttle_clear(struct req *r, const char *account)
{
	const char	*ak = acct_key(r, account);
	enum rc		 rc;

	if (!r->cfg->throttle_enabled || ak == NULL)
		return RC_OK;
	rc = store_del(r->store, STORE_THROTTLE, r->txn, ak, strlen(ak));
	return rc == RC_NOTFOUND ? RC_OK : rc;
}
