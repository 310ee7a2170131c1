/* SPDX-License-Identifier: MIT */
/*
 * fuzz_record: the stored-record decoders -- a flow record as
 * flow_from_record() reads it (then serialised back with flow_json(),
 * which also opens sealed pending secrets with cipher_open()), and an
 * identity record through the accessors and identity_public_json().
 * Records come from our own database, but a damaged or tampered file
 * must not crash a worker.
 */
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "config.h"
#include "flow.h"
#include "fuzz.h"
#include "http.h"
#include "identity.h"

static struct config	 cfg;
static unsigned char	 key[] = "0123456789abcdef0123456789abcdef";
static unsigned char	*keys[1] = { key };
static size_t		 lens[1] = { 32 };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char	 base[] = "http://gatehouse.test/";
	static char	 login[] = "http://gatehouse.test/login";
	static char	 schema_id[] = "default";

	(void)argc;
	(void)argv;
	json_object_seed(1);
	fuzz_quiet_stderr();
	cfg.base_url = base;
	cfg.flows[FLOW_LOGIN].ui_url = login;
	cfg.flows[FLOW_REGISTRATION].ui_url = login;
	cfg.flows[FLOW_SETTINGS].ui_url = login;
	cfg.flows[FLOW_ERROR].ui_url = login;
	cfg.schema_id = schema_id;
	cfg.cipher_secrets = keys;
	cfg.cipher_secret_lens = lens;
	cfg.cipher_secrets_len = 1;
	cfg.totp_enabled = 1;
	cfg.lookup_enabled = 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct req	 r;
	struct flow	*f;
	json_t		*rec, *out;
	int		 k;

	arena_init(&a, 4096);
	arena_use_for_json(&a);
	memset(&r, 0, sizeof(r));
	r.a = &a;
	r.cfg = &cfg;
	r.now_us = 1700000000000000LL;
	rec = json_loadb((const char *)data, size, 0, NULL);
	if (json_is_object(rec)) {
		for (k = 0; k < FLOW_ERROR; k++) {
			if (flow_from_record(&r, (enum flow_kind)k,
			    "00000000-0000-4000-8000-000000000000", rec, &f) !=
			    RC_OK)
				continue;
			out = flow_json(&r, f, NULL);
			FUZZ_CHECK(json_is_object(out));
			FUZZ_CHECK(json_is_array(json_object_get(json_object_get(
			    out, "ui"), "nodes")));
		}
		(void)identity_identifier(rec);
		(void)identity_password_hash(rec);
		(void)identity_has_mfa(rec);
		(void)identity_is_active(rec);
		out = identity_public_json(&r, rec);
		(void)out;
	}
	arena_release(&a);
	return 0;
}
