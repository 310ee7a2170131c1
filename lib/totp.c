/* SPDX-License-Identifier: MIT */
/*
 * totp: liboath does the RFC 4226/6238 arithmetic; this file adds the
 * strict input rules, replay protection and the QR image.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <png.h>
#include <qrencode.h>

#include "arena.h"
#include "buf.h"
#include "crypto.h"
#include "form.h"
#include "log.h"
#include "totp.h"

int
totp_init(void)
{
	int	 ret;

	if ((ret = oath_init()) != OATH_OK) {
		log_warnx("oath_init: %s", oath_strerror(ret));
		return -1;
	}
	return 0;
}

enum rc
totp_new_secret(struct arena *a, char **b32)
{
	unsigned char	 raw[TOTP_SECRET_LEN];
	char		*enc = NULL;
	size_t		 len;
	enum rc		 rc;

	if ((rc = crypto_random(raw, sizeof(raw))) != RC_OK)
		return rc;
	if (oath_base32_encode((char *)raw, sizeof(raw), &enc, &len) !=
	    OATH_OK) {
		crypto_wipe(raw, sizeof(raw));
		return RC_CRYPTO;
	}
	crypto_wipe(raw, sizeof(raw));

	/* 20 bytes are exactly 32 base32 characters: no padding to strip. */
	*b32 = arena_strndup(a, enc, strcspn(enc, "="));
	crypto_wipe(enc, len);
	free(enc);
	return RC_OK;
}

char *
totp_uri(struct arena *a, const char *issuer, const char *account,
    const char *b32)
{
	const char	*i = form_escape(a, issuer);

	return arena_printf(a, "otpauth://totp/%s:%s?secret=%s&issuer=%s"
	    "&algorithm=SHA1&digits=6&period=30", i, form_escape(a, account),
	    b32, i);
}

/* Decode the base32 secret into the arena; NULL when malformed. */
static char *
decode(struct arena *a, const char *b32, size_t *len)
{
	char	*raw = NULL, *out;

	if (oath_base32_decode(b32, strlen(b32), &raw, len) != OATH_OK)
		return NULL;
	out = arena_alloc(a, *len + 1);
	memcpy(out, raw, *len);
	crypto_wipe(raw, *len);
	free(raw);
	return out;
}

/* liboath's comparison hook: constant time over the six digits. */
static int
ct_compare(void *handle, const char *test_otp)
{
	const char	*want = handle;

	return crypto_eq(want, strlen(want), test_otp, strlen(test_otp)) ?
	    0 : 1;
}

enum rc
totp_check(struct arena *a, const char *b32, const char *code, time_t now,
    int64_t last_step, int64_t *step)
{
	char		*key, digits[7];
	size_t		 keylen, i;
	int		 pos, ret;
	uint64_t	 counter = 0;

	/* Exactly six ASCII digits: no spaces, signs or other scripts. */
	if (code == NULL || strlen(code) != 6)
		return RC_DENIED;
	for (i = 0; i < 6; i++)
		if (code[i] < '0' || code[i] > '9')
			return RC_DENIED;
	memcpy(digits, code, 7);
	if ((key = decode(a, b32, &keylen)) == NULL)
		return RC_DENIED;
	ret = oath_totp_validate3_callback(key, keylen, now, 30, 0, 6, 1, &pos,
	    &counter, ct_compare, digits);
	crypto_wipe(key, keylen);
	if (ret < 0)
		return RC_DENIED;

	/* RFC 6238 §5.2: a code is good once, even inside its window. */
	if ((int64_t)counter <= last_step)
		return RC_DENIED;
	*step = (int64_t)counter;
	return RC_OK;
}

enum rc
totp_code(struct arena *a, const char *b32, time_t now, char out[7])
{
	char	*key;
	size_t	 keylen;
	int	 ret;

	if ((key = decode(a, b32, &keylen)) == NULL)
		return RC_BADREQ;
	ret = oath_totp_generate(key, keylen, now, 30, 0, 6, out);
	crypto_wipe(key, keylen);
	return ret == OATH_OK ? RC_OK : RC_CRYPTO;
}

static void
png_to_buf(png_structp png, png_bytep data, png_size_t n)
{
	buf_add(png_get_io_ptr(png), data, n);
}

static void
png_flush(png_structp png)
{
	(void)png;
}

enum rc
totp_qr_data_uri(struct arena *a, const char *text, char **out)
{
	QRcode		*qr;
	png_structp	 png = NULL;
	png_infop	 info = NULL;
	struct buf	 b;
	unsigned char	*row = NULL;
	int		 quiet = 4, scale, size, x, y, w;
	volatile enum rc rc = RC_SYSTEM;	/* survives png's longjmp */

	/* Level M, as Kratos does: readable, and small enough for a phone. */
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL) {
		log_warn("%s: QRcode_encodeString", __func__);
		return RC_SYSTEM;
	}
	w = qr->width;

	/* Whole pixels per module, about 256 pixels across like Kratos. */
	scale = 256 / (w + 2 * quiet);
	if (scale < 2)
		scale = 2;
	size = (w + 2 * quiet) * scale;
	buf_init(&b, a);
	row = arena_alloc(a, (size_t)(size + 7) / 8);
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, &b, png_to_buf, png_flush);
	png_set_IHDR(png, info, (png_uint_32)size, (png_uint_32)size, 1,
	    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < size; y++) {
		int	 my = y / scale - quiet;

		memset(row, 0xff, (size_t)(size + 7) / 8);
		for (x = 0; x < size; x++) {
			int	 mx = x / scale - quiet;

			/* Bit 0 of each module byte is "dark". */
			if (mx >= 0 && my >= 0 && mx < w && my < w &&
			    (qr->data[my * w + mx] & 1))
				row[x / 8] &= (unsigned char)~(0x80 >> (x % 8));
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	*out = arena_printf(a, "data:image/png;base64,%s",
	    crypto_b64(a, b.ptr, b.len));
	rc = RC_OK;
out:
	png_destroy_write_struct(&png, &info);
	QRcode_free(qr);
	return rc;
}
