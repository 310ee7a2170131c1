/* SPDX-License-Identifier: MIT */
/*
 * totp: time-based one-time passwords (RFC 6238, HMAC-SHA-1, 6 digits,
 * 30-second steps) over liboath, the otpauth URI (Google Authenticator's
 * Key URI format) and its QR code as a PNG data: URI (libqrencode +
 * libpng), so enrolment works without JavaScript.
 */
#ifndef TOTP_H
#define TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "rc.h"

struct arena;

#define TOTP_SECRET_LEN	20	/* 160 bits, RFC 4226 §4's recommendation */

/* Call once per process before any other totp_ function. */
int	 totp_init(void);

/* A new random secret as unpadded base32 (32 characters), in the arena. */
enum rc	 totp_new_secret(struct arena *a, char **b32);

/*
 * otpauth://totp/<issuer>:<account>?secret=..&issuer=..&algorithm=SHA1&
 * digits=6&period=30 with both label parts percent-encoded.
 */
char	*totp_uri(struct arena *a, const char *issuer, const char *account,
	    const char *b32);

/*
 * Check a submitted code against the secret at time now, accepting one
 * step either side (RFC 6238 §5.2).  The code must be exactly six ASCII
 * digits.  A match whose step is not greater than last_step is a replay
 * and refused.  RC_OK with *step set to the matched step, or RC_DENIED.
 */
enum rc	 totp_check(struct arena *a, const char *b32, const char *code,
	    time_t now, int64_t last_step, int64_t *step);

/* The code for b32 at time now (tests and the CLI). */
enum rc	 totp_code(struct arena *a, const char *b32, time_t now, char out[7]);

/* The QR code of text as "data:image/png;base64,...", in the arena. */
enum rc	 totp_qr_data_uri(struct arena *a, const char *text, char **out);

#endif /* TOTP_H */
