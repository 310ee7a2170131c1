/* SPDX-License-Identifier: MIT */
/*
 * config: the YAML configuration file (libyaml), keys shaped like Ory
 * Kratos's where the concept exists.
 *
 * The file is read once per process, before the accept loop.  Unknown keys,
 * wrong types and bad values stop start-up with a message naming the file,
 * the line and the key.  The identity schema named by the configuration is
 * loaded here too (see schema.h).
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "pwhash.h"

struct schema;

enum flow_kind {
	FLOW_LOGIN,
	FLOW_REGISTRATION,
	FLOW_SETTINGS,
	FLOW_ERROR,
	FLOW__MAX
};

struct config_flow {
	char		*ui_url;	/* absolute URL of the page */
	int64_t		 lifespan;	/* seconds */
};

enum aal_policy {
	AAL_POLICY_AAL1,		/* any first factor will do */
	AAL_POLICY_HIGHEST,		/* highest_available */
	AAL_POLICY_AAL2,		/* everyone must have and use a 2nd factor */
};

/* After-registration hooks (selfservice.flows.registration.after). */
#define HOOK_SESSION		0x1	/* sign the new identity in */
#define HOOK_SHOW_MFA_SETUP	0x2	/* then open second-factor setup */

struct config {
	char		*path;		/* the file read */
	char		*base_url;	/* serve.public.base_url, ends in '/' */
	char		*base_path;	/* its path part, ends in '/' */
	char		*origin;	/* scheme://host[:port] */
	int		 https;		/* base URL is https */
	char		*default_return_url;
	char	       **allowed_return_urls;
	size_t		 allowed_return_urls_len;
	struct config_flow flows[FLOW__MAX];
	char		*logout_return_url;
	int64_t		 privileged_max_age;
	enum aal_policy	 whoami_aal;	/* session.whoami.required_aal */
	enum aal_policy	 settings_aal;	/* ...flows.settings.required_aal */
	int64_t		 mfa_grace;	/* session.whoami.mfa_enrollment_grace */
	int		 registration_hooks;	/* HOOK_* */
	int		 totp_enabled;
	char		*totp_issuer;
	int		 lookup_enabled;
	int		 password_enabled;
	size_t		 password_min;
	size_t		 password_max;
	int		 password_similarity;	/* refuse ~identifier passwords */
	unsigned char	*pepper;	/* secret HMAC key before hashing */
	size_t		 pepper_len;
	char		 pepper_id[9];	/* 8 hex digits naming the pepper */
	int		 hibp_enabled;		/* ask the range API */
	char		*hibp_host;		/* host, or http(s) base URL */
	int64_t		 hibp_max_breaches;
	int		 hibp_ignore_errors;
	int64_t		 session_lifespan;
	char		*cookie_name;
	char		*cookie_same_site; /* "Lax", "Strict" or "None" */
	unsigned char  **cookie_secrets;
	size_t		*cookie_secret_lens;
	size_t		 cookie_secrets_len;
	unsigned char  **cipher_secrets;
	size_t		*cipher_secret_lens;
	size_t		 cipher_secrets_len;
	struct pwhash_params argon2;
	char		*schema_id;
	char		*schema_path;
	struct schema	*schema;
	char		*state_dir;	/* from dsn "berkeleydb:<dir>" */
	char		*templates_dir;
	size_t		 max_body;	/* bytes */
	size_t		 db_cache;	/* bytes */
	char		*csrf_cookie_name; /* csrf_token_<sha256(base_url)> */
	char		*csp;		/* the Content-Security-Policy value */
	unsigned char	 admin_key_hash[32]; /* SHA-256 of the admin API key */
	int		 admin_enabled;	/* an admin key is configured */
	char		*audit_file;	/* NULL: no audit log */
	char		*notify_file;	/* security-change spool, or NULL */
	int		 throttle_enabled;
	int64_t		 throttle_account_free;	/* failures before delays */
	int64_t		 throttle_ip_free;
	int64_t		 throttle_base_delay;	/* seconds */
	int64_t		 throttle_max_delay;	/* seconds */
};

/*
 * Read and check the configuration file at path.  Returns 0 and fills cfg,
 * or -1 after printing "file:line: key: problem" to standard error.
 */
int	config_load(struct config *cfg, const char *path);

/* Free everything config_load() allocated. */
void	config_release(struct config *cfg);

/*
 * Write a development configuration with freshly generated secrets to
 * path (mode 0600), refusing to overwrite an existing file.  Returns 0 or
 * -1 after printing why.
 */
int	config_write_default(const char *path, const char *base_url,
	    const char *state_dir, const char *templates_dir,
	    const char *schema_path);

#endif /* CONFIG_H */
