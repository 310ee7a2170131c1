/* SPDX-License-Identifier: MIT */
/*
 * breach: the common-password list, the offline breached database and the
 * HIBP range client.  Network results are not cached: a sign-up is rare
 * enough, and a cache would be one more place holding password hashes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dlfcn.h>

#include <curl/curl.h>
#include <openssl/sha.h>

#include "arena.h"
#include "breach.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "http.h"
#include "log.h"
#include "store.h"

/*
 * The most common passwords of at least eight characters (shorter ones
 * fail the length rule anyway), from the usual public top lists.
 */
static const char *const common[] = {
	"password", "12345678", "123456789", "1234567890", "12345678910",
	"qwertyuiop", "password1", "password12", "password123", "iloveyou",
	"iloveyou1", "11111111", "00000000", "88888888", "87654321",
	"123123123", "abc12345", "abcd1234", "qwerty123", "qwerty12",
	"1q2w3e4r", "1qaz2wsx", "qwertyui", "asdfghjk", "zxcvbnm1",
	"sunshine", "princess", "football", "baseball", "superman",
	"trustno1", "welcome1", "welcome123", "letmein1", "michelle",
	"jennifer", "11223344", "147258369", "123456789a", "passw0rd",
	"p@ssw0rd", "p@ssword", "password1!", "password!", "admin123",
	"administrator", "changeme", "computer", "starwars", "whatever",
	"dragon12", "master12", "monkey12", "shadow12", "internet",
	"corvette", "mercedes", "samantha", "jordan23", "liverpool",
	"chelsea1", "arsenal1", "charlie1", "babygirl", "butterfly",
	"danielle", "elizabeth", "qazwsxedc", "zaq12wsx", "1234qwer",
	"q1w2e3r4", "123qweasd", "1q2w3e4r5t", "qwer1234", "asdf1234",
	"iloveu123", "aaaaaaaa", "99999999", "12341234", "55555555",
	"66666666", "77777777", "22222222", "33333333", "44444444",
	"123654789", "987654321", "741852963", "159753456", "superman1",
	"batman123", "pokemon1", "minecraft", "football1", "baseball1",
	"soccer12", "hello123", "lovely12", "freedom1", "whatever1",
	"secret12", "1234abcd", "test1234", "testtest", "guest123",
	"123abc123", "abcdefgh", "abcdefg1", "qwerty1234", "1234567a",
	"a1234567", "zxcvbnm123", "password2", "Password1", "loveyou1",
	"gatehouse", "gatehouse1", "correcthorsebatterystaple",
};

int
breach_is_common(const char *pw)
{
	size_t	 i;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcasecmp(pw, common[i]) == 0)
			return 1;
	return 0;
}

static void
sha1_hex(const char *pw, char out[41])
{
	unsigned char	 h[SHA_DIGEST_LENGTH];
	size_t		 i;

	SHA1((const unsigned char *)pw, strlen(pw), h);
	for (i = 0; i < SHA_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02X", h[i]);
	crypto_wipe(h, sizeof(h));
}

static size_t
collect(char *p, size_t sz, size_t n, void *ctx)
{
	struct buf	*b = ctx;
	size_t		 len = sz * n;

	/* A range answer is ~30 KB; refuse anything absurd. */
	if (b->len + len > 4 << 20)
		return 0;
	buf_add(b, p, len);
	return len;
}

/*
 * libcurl is opened on first use rather than linked: it brings some thirty
 * libraries with it, which a CGI process would otherwise load on every
 * request although only a password change ever needs them.
 */
static struct {
	int		 tried;
	void		*h;
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
} curl;

static int
curl_load(void)
{
	if (curl.tried)
		return curl.h != NULL;
	curl.tried = 1;
	if ((curl.h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_warnx("breached-password check: %s", dlerror());
		return 0;
	}
	*(void **)&curl.easy_init = dlsym(curl.h, "curl_easy_init");
	*(void **)&curl.easy_setopt = dlsym(curl.h, "curl_easy_setopt");
	*(void **)&curl.easy_perform = dlsym(curl.h, "curl_easy_perform");
	*(void **)&curl.easy_getinfo = dlsym(curl.h, "curl_easy_getinfo");
	*(void **)&curl.easy_cleanup = dlsym(curl.h, "curl_easy_cleanup");
	*(void **)&curl.easy_strerror = dlsym(curl.h, "curl_easy_strerror");
	*(void **)&curl.slist_append = dlsym(curl.h, "curl_slist_append");
	*(void **)&curl.slist_free_all = dlsym(curl.h, "curl_slist_free_all");
	if (curl.easy_init == NULL || curl.easy_setopt == NULL ||
	    curl.easy_perform == NULL || curl.easy_getinfo == NULL ||
	    curl.easy_cleanup == NULL || curl.easy_strerror == NULL ||
	    curl.slist_append == NULL || curl.slist_free_all == NULL) {
		log_warnx("breached-password check: libcurl lacks a function");
		dlclose(curl.h);
		curl.h = NULL;
		return 0;
	}
	return 1;
}

/* The breach count HIBP reports for the hash, or -1 on failure. */
static long
hibp_count(struct req *r, const char *hex)
{
	const char	*host = r->cfg->hibp_host;
	CURL		*c;
	struct curl_slist *hdrs = NULL;
	struct buf	 b;
	char		*url, *line, *save = NULL;
	long		 status = 0, count = 0;
	CURLcode	 ret;

	url = strncmp(host, "http://", 7) == 0 ||
	    strncmp(host, "https://", 8) == 0 ? arena_printf(r->a, "%s/range/%.5s",
	    host, hex) : arena_printf(r->a, "https://%s/range/%.5s", host, hex);
	buf_init(&b, r->a);
	if (!curl_load() || (c = curl.easy_init()) == NULL)
		return -1;
	hdrs = curl.slist_append(hdrs, "Add-Padding: true");
	curl.easy_setopt(c, CURLOPT_URL, url);
	curl.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl.easy_setopt(c, CURLOPT_USERAGENT, "gatehouse");
	curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl.easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, 3000L);
	curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	ret = curl.easy_perform(c);
	if (ret == CURLE_OK)
		curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl.slist_free_all(hdrs);
	curl.easy_cleanup(c);
	if (ret != CURLE_OK || status != 200) {
		log_warnx("breached-password check: %s returned %s (%ld)", url,
		    ret != CURLE_OK ? curl.easy_strerror(ret) : "HTTP", status);
		return -1;
	}

	/* Lines "SUFFIX:COUNT"; a missing count means one. */
	for (line = strtok_r(b.ptr, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		if (strncasecmp(line, hex + 5, 35) != 0)
			continue;
		count = line[35] == ':' ? strtol(line + 36, NULL, 10) : 1;
		break;
	}
	return count;
}

/* The count in the offline database; 0 when absent or not imported. */
static enum rc
offline_count(struct req *r, const char *hex, long *count, int *present)
{
	unsigned char	 key[20];
	void		*val;
	size_t		 len, i;
	enum rc		 rc;

	*count = 0;
	for (i = 0; i < 20; i++) {
		unsigned int	 v;

		sscanf(hex + 2 * i, "%2X", &v);
		key[i] = (unsigned char)v;
	}
	rc = store_get(r->store, STORE_BREACHED, r->txn, r->a, key, 20, &val,
	    &len, 0);
	if (rc == RC_NOTFOUND) {
		*present = r->store->breached_loaded;
		return RC_OK;
	}
	if (rc != RC_OK)
		return rc;
	*present = 1;
	*count = len == 4 ? (long)((unsigned char *)val)[0] << 24 |
	    ((unsigned char *)val)[1] << 16 | ((unsigned char *)val)[2] << 8 |
	    ((unsigned char *)val)[3] : 1;
	return RC_OK;
}

enum rc
breach_check(struct req *r, const char *pw, enum breach_verdict *v)
{
	char	 hex[41];
	long	 count;
	int	 offline = 0;
	enum rc	 rc;

	*v = BREACH_OK;
	if (breach_is_common(pw)) {
		*v = BREACH_COMMON;
		return RC_OK;
	}
	sha1_hex(pw, hex);
	if ((rc = offline_count(r, hex, &count, &offline)) != RC_OK)
		goto out;

	/* An imported list answers alone; the network is asked otherwise. */
	if (!offline && r->cfg->hibp_enabled) {
		count = hibp_count(r, hex);
		if (count < 0) {
			if (!r->cfg->hibp_ignore_errors)
				*v = BREACH_UNKNOWN;
			goto out;
		}
	}
	if (count > r->cfg->hibp_max_breaches)
		*v = BREACH_FOUND;
out:
	crypto_wipe(hex, sizeof(hex));
	return rc;
}

long
breach_import(struct req *r, const char *path)
{
	FILE		*fp;
	char		 line[128];
	unsigned char	 key[20], val[4];
	long		 n = 0, batch = 0;
	unsigned long	 count;
	size_t		 i;
	enum rc		 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	if (store_txn_begin(r->store, &r->txn) != RC_OK) {
		fclose(fp);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strlen(line) < 40 || strspn(line, "0123456789abcdefABCDEF")
		    < 40)
			continue;
		for (i = 0; i < 20; i++) {
			unsigned int	 b;

			sscanf(line + 2 * i, "%2x", &b);
			key[i] = (unsigned char)b;
		}
		count = line[40] == ':' ? strtoul(line + 41, NULL, 10) : 1;
		if (count > 0xffffffffUL)
			count = 0xffffffffUL;
		val[0] = (unsigned char)(count >> 24);
		val[1] = (unsigned char)(count >> 16);
		val[2] = (unsigned char)(count >> 8);
		val[3] = (unsigned char)count;
		if ((rc = store_put(r->store, STORE_BREACHED, r->txn, key, 20,
		    val, 4, 0)) != RC_OK)
			goto fail;
		n++;

		/* Commit every 10,000 so the log and locks stay small. */
		if (++batch == 10000) {
			if (store_txn_commit(r->store, r->txn) != RC_OK ||
			    store_txn_begin(r->store, &r->txn) != RC_OK)
				goto fail;
			batch = 0;
		}
	}
	fclose(fp);
	return store_txn_commit(r->store, r->txn) == RC_OK ? n : -1;
fail:
	fclose(fp);
	store_txn_abort(r->store, r->txn);
	return -1;
}
