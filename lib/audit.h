/* SPDX-License-Identifier: MIT */
/*
 * audit: one JSON line per security event -- sign-in success and failure,
 * second factor added or removed, recovery code used, password changed,
 * throttled -- with the identity id, the client IP and the time, never a
 * secret.  Lines go to gatehouse.audit.log_file (default: audit.log in
 * the state directory), written with O_APPEND in one write(2) each so
 * that several workers can share the file.
 *
 * Events that change an account's security settings are also the hook
 * point for "your security settings changed" mail: when
 * gatehouse.audit.notify_file is set they are appended there too, for a
 * courier to pick up.
 */
#ifndef AUDIT_H
#define AUDIT_H

struct req;

/*
 * Record event for identity_id (may be NULL) with an optional detail
 * (a method name, never a secret).  Failures to write are logged, not
 * returned: auditing must not break sign-in.
 */
void	 audit_event(struct req *r, const char *event,
	    const char *identity_id, const char *detail);

/* The same, for an event that changed the account's security settings. */
void	 audit_security_change(struct req *r, const char *event,
	    const char *identity_id, const char *detail);

#endif /* AUDIT_H */
