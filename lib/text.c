/* SPDX-License-Identifier: MIT */
/*
 * text: message templates, taken from Kratos's text/message_*.go so that
 * the wire stays identical.  Templates are printf formats; the arguments
 * are documented per message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "text.h"

struct entry {
	enum msg	 id;
	const char	*type;	/* "info", "error" or "success" */
	const char	*fmt;
};

static const struct entry catalogue[] = {
	{ MSG_LOGIN_SIGN_IN, "info", "Sign in" },
	{ MSG_LOGIN_REAUTH, "info",
	    "Please confirm this action by verifying that it is you." },
	{ MSG_LOGIN_MFA, "info",
	    "Please complete the second authentication challenge." },
	{ MSG_LOGIN_TOTP_LABEL, "info", "Authentication code" },
	{ MSG_LOGIN_LOOKUP_LABEL, "info", "Backup recovery code" },
	{ MSG_LOGIN_USE_TOTP, "info", "Use Authenticator" },
	{ MSG_LOGIN_USE_LOOKUP, "info", "Use backup recovery code" },
	{ MSG_LOGIN_WITH_PASSWORD, "info", "Sign in with password" },
	{ MSG_REGISTRATION_SIGN_UP, "info", "Sign up" },
	{ MSG_SETTINGS_SAVED, "success", "Your changes have been saved!" },
	{ MSG_TOTP_UNLINK, "info", "Unlink TOTP Authenticator App" },
	{ MSG_TOTP_QR, "info", "Authenticator app QR code" },
	{ MSG_TOTP_SECRET, "info", "%s" },		/* the secret */
	{ MSG_LOOKUP_REVEAL, "info", "Reveal backup recovery codes" },
	{ MSG_LOOKUP_REGENERATE, "info", "Generate new backup recovery codes" },
	{ MSG_LOOKUP_CODE, "info", "%s" },		/* one code */
	{ MSG_LOOKUP_CODES_LABEL, "info", "These are your back up recovery "
	    "codes. Please keep them in a safe place!" },
	{ MSG_LOOKUP_CONFIRM, "info", "Confirm backup recovery codes" },
	{ MSG_LOOKUP_USED_AT, "info", "Secret was used at %s" },
	{ MSG_LOOKUP_CODES, "info", "%s" },		/* the list */
	{ MSG_LOOKUP_DISABLE, "info", "Disable this method" },
	{ MSG_TOTP_SECRET_LABEL, "info", "This is your authenticator app "
	    "secret. Use it if you can not scan the QR code." },
	{ MSG_MFA_SETUP, "info", "Protect your account with a second factor: "
	    "add an authenticator app below (scan the QR code or type the "
	    "secret into the app), and keep a set of recovery codes." },
	{ MSG_LOOKUP_LEFT, "info", "You have %ld of %ld recovery codes left." },
	{ MSG_LOOKUP_FEW_LEFT, "error", "Only %ld of %ld recovery codes left: "
	    "generate new ones before you run out." },
	{ MSG_TOTP_ENROLLED, "info", "An authenticator app is set up for this "
	    "account." },
	{ MSG_LOOKUP_REMOVED_WITH_TOTP, "info", "Your recovery codes were "
	    "removed too: they only back up the authenticator app." },
	{ MSG_MFA_SETUP_SKIP, "info", "Not now" },
	{ MSG_MFA_SETUP_REQUIRED, "error", "This site requires a second "
	    "factor: set up an authenticator app or recovery codes to "
	    "continue." },
	{ MSG_TOTP_NOT_ENROLLED, "info", "No authenticator app is set up." },
	{ MSG_LOOKUP_NONE, "info", "You have no recovery codes." },
	{ MSG_DEVICE_REVOKE, "info", "Sign out this device" },
	{ MSG_DEVICE, "info", "%s, from %s, signed in %.16s UTC (%s)" },
	{ MSG_DEVICE_CURRENT, "info", "This device: %s, from %s, signed in "
	    "%.16s UTC (%s)" },
	{ MSG_DEVICE_REVOKED, "success", "That device has been signed out." },
	{ MSG_LABEL_PASSWORD, "info", "Password" },
	{ MSG_LABEL_GENERATED, "info", "%s" },		/* schema title */
	{ MSG_LABEL_SAVE, "info", "Save" },
	{ MSG_LABEL_ID, "info", "ID" },
	{ MSG_LABEL_VERIFY_CODE, "info", "Verify code" },
	{ MSG_LABEL_EMAIL, "info", "Email" },
	{ MSG_VALIDATION_GENERIC, "error", "%s" },	/* reason */
	{ MSG_VALIDATION_MISSING, "error", "Property %s is missing." },
	{ MSG_VALIDATION_MIN_LENGTH, "error",
	    "length must be >= %ld, but got %ld" },
	{ MSG_PASSWORD_POLICY, "error",
	    "The password can not be used because %s." },
	{ MSG_INVALID_CREDENTIALS, "error",
	    "The provided credentials are invalid, check for spelling "
	    "mistakes in your password or username, email address, or phone "
	    "number." },
	{ MSG_DUPLICATE_IDENTIFIER, "error",
	    "An account with the same identifier (email, phone, username, "
	    "...) exists already." },
	{ MSG_TOTP_INVALID, "error",
	    "The provided authentication code is invalid, please try again." },
	{ MSG_NO_TOTP, "error", "You have no TOTP device set up." },
	{ MSG_LOOKUP_USED, "error",
	    "This backup recovery code has already been used." },
	{ MSG_NO_LOOKUP, "error", "You have no backup recovery codes set up." },
	{ MSG_LOOKUP_INVALID, "error", "The backup recovery code is not valid." },
	{ MSG_VALIDATION_MAX_LENGTH, "error",
	    "length must be <= %ld, but got %ld" },
	{ MSG_PASSWORD_TOO_SIMILAR, "error",
	    "The password can not be used because it is too similar to the "
	    "identifier." },
	{ MSG_PASSWORD_TOO_SHORT, "error",
	    "The password must be at least %ld characters long, but got %ld." },
	{ MSG_PASSWORD_TOO_LONG, "error",
	    "The password must be at most %ld characters long, but got %ld." },
	{ MSG_PASSWORD_BREACHED, "error", "The password has been found in data "
	    "breaches and must no longer be used." },
	{ MSG_PASSWORD_SAME_AS_OLD, "error",
	    "The new password must be different from the old password." },
	{ MSG_EMAIL_INVALID, "error", "Enter a valid email address" },
	{ MSG_THROTTLED, "error", "Too many failed attempts. Please wait %ld "
	    "seconds and try again." },
	{ MSG_LOGIN_EXPIRED, "error",
	    "The login flow expired %.2f minutes ago, please try again." },
	{ MSG_IDENTITY_DISABLED, "error", "This account was disabled." },
	{ MSG_LOGIN_NO_STRATEGY, "error",
	    "Could not find a strategy to log you in with. Did you fill out "
	    "the form correctly?" },
	{ MSG_REGISTRATION_NO_STRATEGY, "error",
	    "Could not find a strategy to sign you up with. Did you fill out "
	    "the form correctly?" },
	{ MSG_SETTINGS_NO_STRATEGY, "error",
	    "Could not find a strategy to update your settings. Did you fill "
	    "out the form correctly?" },
	{ MSG_REGISTRATION_EXPIRED, "error",
	    "The registration flow expired %.2f minutes ago, please try again." },
	{ MSG_SETTINGS_EXPIRED, "error",
	    "The settings flow expired %.2f minutes ago, please try again." },
};

static const struct entry *
find(enum msg id)
{
	size_t	 i;

	for (i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++)
		if (catalogue[i].id == id)
			return &catalogue[i];
	return NULL;
}

static json_t *
build(json_t *context, enum msg id, va_list ap)
{
	const struct entry	*e = find(id);
	char			 text[1024];
	json_t			*o;

	/* An id missing from the catalogue is a programming error. */
	if (e == NULL)
		abort();
	vsnprintf(text, sizeof(text), e->fmt, ap);
	o = json_pack("{s:i, s:s, s:s}", "id", (json_int_t)id, "text", text,
	    "type", e->type);
	if (context != NULL)
		json_object_set_new(o, "context", context);
	return o;
}

json_t *
text_msg(enum msg id, ...)
{
	va_list	 ap;
	json_t	*o;

	va_start(ap, id);
	o = build(NULL, id, ap);
	va_end(ap);
	return o;
}

json_t *
text_msg_ctx(json_t *context, enum msg id, ...)
{
	va_list	 ap;
	json_t	*o;

	va_start(ap, id);
	o = build(context, id, ap);
	va_end(ap);
	return o;
}
