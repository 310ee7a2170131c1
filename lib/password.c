/* SPDX-License-Identifier: MIT */
/*
 * password: policy and hashing for new passwords (NIST SP 800-63B §5.1.1:
 * a minimum length, a generous maximum, no composition rules, never
 * truncated).
 */
#include <ctype.h>
#include <string.h>

#include "breach.h"
#include "config.h"
#include "flow.h"
#include "http.h"
#include "password.h"
#include "pwhash.h"
#include "text.h"

static size_t
levenshtein(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j;
	size_t	 row[257], prev, tmp;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev :
			    1 + (prev < row[j] ? (prev < row[j - 1] ? prev :
			    row[j - 1]) : (row[j] < row[j - 1] ? row[j] :
			    row[j - 1]));
			prev = tmp;
		}
	}
	return row[lb];
}

static size_t
longest_common_substring(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, best = 0;
	size_t	 row[257], prev, tmp;

	memset(row, 0, sizeof(row));
	for (i = 1; i <= la; i++) {
		prev = 0;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev + 1 : 0;
			if (row[j] > best)
				best = row[j];
			prev = tmp;
		}
	}
	return best;
}

int
password_too_similar(const char *pw, const char *identifier)
{
	char	 p[257], id[257];
	size_t	 i, lp = strlen(pw), li;

	if (identifier == NULL || *identifier == '\0' || lp > 256 ||
	    strlen(identifier) > 256)
		return 0;
	for (i = 0; i <= lp; i++)
		p[i] = (char)tolower((unsigned char)pw[i]);
	li = strlen(identifier);
	for (i = 0; i <= li; i++)
		id[i] = (char)tolower((unsigned char)identifier[i]);
	return levenshtein(p, id) < 5 ||
	    (double)longest_common_substring(p, id) / (double)lp > 0.5;
}

enum rc
password_check_policy_or_msg(struct req *r, struct flow *f, const char *pw,
    const char *identifier)
{
	size_t			 n = strlen(pw);
	enum breach_verdict	 v;
	enum rc			 rc;

	if (n < r->cfg->password_min) {
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_TOO_SHORT,
		    (long)r->cfg->password_min, (long)n));
		return RC_INVALID;
	}
	if (n > r->cfg->password_max) {
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_TOO_LONG,
		    (long)r->cfg->password_max, (long)n));
		return RC_INVALID;
	}
	if (r->cfg->password_similarity && password_too_similar(pw,
	    identifier)) {
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_TOO_SIMILAR));
		return RC_INVALID;
	}
	if ((rc = breach_check(r, pw, &v)) != RC_OK)
		return rc;
	switch (v) {
	case BREACH_COMMON:
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_POLICY,
		    "it is one of the most commonly used passwords"));
		return RC_INVALID;
	case BREACH_FOUND:
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_BREACHED));
		return RC_INVALID;
	case BREACH_UNKNOWN:
		flow_node_msg(f, "password", text_msg(MSG_PASSWORD_POLICY,
		    "the breached-password check is unavailable right now; "
		    "please try again later"));
		return RC_INVALID;
	default:
		return RC_OK;
	}
}

enum rc
password_hash(struct req *r, const char *pw, const char **out)
{
	char	*phc;
	enum rc	 rc;

	if ((rc = pwhash_hash(r->a, &r->cfg->argon2, pw, strlen(pw), &phc)) !=
	    RC_OK)
		return rc;
	*out = phc;
	return RC_OK;
}
