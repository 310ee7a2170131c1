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
#include "crypto.h"
#include "identity.h"
#include "log.h"
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

/* The password as it goes into the hash: peppered, or as typed. */
static const char *
hash_input(struct req *r, const char *pw, int peppered)
{
	unsigned char	 mac[32];
	char		*hex;

	if (!peppered)
		return pw;
	crypto_hmac_sha256(r->cfg->pepper, r->cfg->pepper_len, pw, strlen(pw),
	    mac);
	hex = crypto_hex(r->a, mac, sizeof(mac));
	crypto_wipe(mac, sizeof(mac));
	return hex;
}

enum rc
password_hash(struct req *r, const char *pw, const char **out,
    const char **pepper_id)
{
	const char	*in = hash_input(r, pw, r->cfg->pepper != NULL);
	char		*phc;
	enum rc		 rc;

	if ((rc = pwhash_hash(r->a, &r->cfg->argon2, in, strlen(in), &phc)) !=
	    RC_OK)
		return rc;
	*out = phc;
	*pepper_id = r->cfg->pepper != NULL ? r->cfg->pepper_id : NULL;
	return RC_OK;
}

enum rc
password_verify(struct req *r, const json_t *ident, const char *pw,
    int *rehash)
{
	const char	*phc = ident ? identity_password_hash(ident) : NULL;
	const char	*pid = ident ? identity_password_pepper(ident) : NULL;
	const char	*in;
	enum rc		 rc;

	*rehash = 0;
	if (phc == NULL || strlen(pw) > r->cfg->password_max) {
		in = hash_input(r, pw, r->cfg->pepper != NULL);
		pwhash_decoy(&r->cfg->argon2, in, strlen(in));
		return RC_DENIED;
	}

	/* A hash made with another pepper can never match: say why once. */
	if (pid != NULL && (r->cfg->pepper == NULL ||
	    strcmp(pid, r->cfg->pepper_id) != 0)) {
		log_warnx("password hash of %s was made with pepper %s, which "
		    "is not configured", json_string_value(json_object_get(ident,
		    "id")), pid);
		return RC_DENIED;
	}
	in = hash_input(r, pw, pid != NULL);
	rc = pwhash_verify(phc, in, strlen(in));
	if (rc != RC_OK)
		return RC_DENIED;
	*rehash = pwhash_needs_rehash(phc, &r->cfg->argon2) ||
	    (pid == NULL && r->cfg->pepper != NULL);
	return RC_OK;
}
