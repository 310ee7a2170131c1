/* SPDX-License-Identifier: MIT */
/*
 * text: the user-facing message catalogue.  Every message carries Ory
 * Kratos's stable numeric id (text/id.go) so that tests, translations and
 * API clients key on the id, never on the English text.
 */
#ifndef TEXT_H
#define TEXT_H

#include <jansson.h>

enum msg {
	MSG_LOGIN_SIGN_IN = 1010001,
	MSG_LOGIN_REAUTH = 1010003,
	MSG_LOGIN_MFA = 1010004,
	MSG_LOGIN_WITH_PASSWORD = 1010022,
	MSG_REGISTRATION_SIGN_UP = 1040001,
	MSG_SETTINGS_SAVED = 1050001,
	MSG_LABEL_PASSWORD = 1070001,
	MSG_LABEL_GENERATED = 1070002,
	MSG_LABEL_SAVE = 1070003,
	MSG_LABEL_ID = 1070004,
	MSG_LABEL_EMAIL = 1070007,
	MSG_VALIDATION_GENERIC = 4000001,
	MSG_VALIDATION_MISSING = 4000002,
	MSG_VALIDATION_MIN_LENGTH = 4000003,
	MSG_INVALID_CREDENTIALS = 4000006,
	MSG_DUPLICATE_IDENTIFIER = 4000007,
	MSG_VALIDATION_MAX_LENGTH = 4000017,
	MSG_PASSWORD_TOO_SIMILAR = 4000031,
	MSG_PASSWORD_TOO_SHORT = 4000032,
	MSG_PASSWORD_TOO_LONG = 4000033,
	MSG_PASSWORD_SAME_AS_OLD = 4000039,
	MSG_EMAIL_INVALID = 4000040,
	MSG_LOGIN_EXPIRED = 4010001,
	MSG_LOGIN_NO_STRATEGY = 4010002,
	MSG_REGISTRATION_NO_STRATEGY = 4010003,
	MSG_SETTINGS_NO_STRATEGY = 4010004,
	MSG_REGISTRATION_EXPIRED = 4040001,
	MSG_SETTINGS_EXPIRED = 4050001,
};

/*
 * The uiText object {"id", "text", "type"} for msg, with the text formatted
 * from the catalogue's template and the arguments.  Owned by the caller
 * (arena-backed jansson memory).
 */
json_t	*text_msg(enum msg id, ...);

/* The same, with a "context" object attached (stolen reference). */
json_t	*text_msg_ctx(json_t *context, enum msg id, ...);

#endif /* TEXT_H */
