/* SPDX-License-Identifier: MIT */
/*
 * fuzz_config: config_load() on the input written to a file, then
 * config_release().  "@SCHEMA@" in the input becomes the absolute path of
 * the source tree's etc/identity.schema.json, so the saved corpus works
 * wherever the tree is checked out.  Checked on success: the invariants
 * struct config documents (base URL and path end in '/', the origin is the
 * base URL's prefix, the secrets have their lengths, a schema is loaded).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "fuzz.h"
#include "schema.h"

static const char	*schema_path;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	 fd;

	(void)argc;
	(void)argv;
	schema_path = fuzz_source_file("etc/identity.schema.json");
	fuzz_tmpdir_init();
	json_object_seed(1);

	/* config_load() explains every refusal on stderr: too chatty here. */
	fuzz_quiet_stderr();

	/* A schema "url" of /dev/stdin must not wait for a terminal. */
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	return 0;
}

/* data with every "@SCHEMA@" replaced by the schema's path. */
static void
substitute(struct buf *b, const uint8_t *data, size_t size)
{
	static const char	 mark[] = "@SCHEMA@";
	const uint8_t		*p = data, *end = data + size, *m;

	while ((m = memmem(p, (size_t)(end - p), mark, sizeof(mark) - 1))
	    != NULL) {
		buf_add(b, p, (size_t)(m - p));
		buf_addstr(b, schema_path);
		p = m + sizeof(mark) - 1;
	}
	buf_add(b, p, (size_t)(end - p));
}

static void
check(const struct config *cfg)
{
	size_t	 i, n = strlen(cfg->base_url);

	FUZZ_CHECK(n > 0 && cfg->base_url[n - 1] == '/');
	FUZZ_CHECK(cfg->base_path[0] == '/');
	FUZZ_CHECK(cfg->base_path[strlen(cfg->base_path) - 1] == '/');
	FUZZ_CHECK(strncmp(cfg->base_url, cfg->origin,
	    strlen(cfg->origin)) == 0);
	FUZZ_CHECK(strcmp(cfg->base_url + strlen(cfg->origin),
	    cfg->base_path) == 0);
	FUZZ_CHECK(cfg->https == (strncmp(cfg->base_url, "https:", 6) == 0));
	for (i = 0; i < FLOW__MAX; i++)
		FUZZ_CHECK(cfg->flows[i].ui_url != NULL);
	FUZZ_CHECK(cfg->password_min <= cfg->password_max);
	FUZZ_CHECK(cfg->cookie_secrets_len > 0);
	for (i = 0; i < cfg->cookie_secrets_len; i++)
		FUZZ_CHECK(cfg->cookie_secret_lens[i] >= 16);
	FUZZ_CHECK(cfg->cipher_secrets_len > 0);
	for (i = 0; i < cfg->cipher_secrets_len; i++)
		FUZZ_CHECK(cfg->cipher_secret_lens[i] == 32);
	FUZZ_CHECK(cfg->schema != NULL && cfg->schema->identifier != NULL);
	FUZZ_CHECK(cfg->state_dir[0] == '/' && cfg->templates_dir[0] == '/');
	FUZZ_CHECK(strlen(cfg->csrf_cookie_name) == 11 + 64);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	 a;
	struct buf	 b;
	struct config	 cfg;
	const char	*path;

	arena_init(&a, 4096);
	arena_use_for_json(&a);

	buf_init(&b, &a);
	substitute(&b, data, size);
	path = fuzz_write_file("gatehouse.yml", b.ptr, b.len);
	if (config_load(&cfg, path) == 0) {
		check(&cfg);
		config_release(&cfg);
	}

	arena_release(&a);
	return 0;
}
