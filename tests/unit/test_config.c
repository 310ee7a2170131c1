/* SPDX-License-Identifier: MIT */
/*
 * test_config: config_load on YAML files written into a mkdtemp()
 * directory -- defaults, derived values, relative paths -- and the
 * "file:line: key: problem" message for each kind of mistake, read back
 * from a captured standard error.  config_write_default's output must load.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <string.h>

#include "arena.h"
#include "config.h"
#include "schema.h"
#include "testlib.h"

/*
 * Base URLs and their SHA-256 (by sha256sum(1)), which names the CSRF
 * cookie.  BASE has no port: see test_config_default_totp_issuer_port.
 */
#define BASE		"http://127.0.0.1/"
#define BASE_SHA256	"d5541dbe8037a6433e94e9804ab33199" \
			"5630fa2a1794ba3b374d5e2429693891"
#define PBASE		"http://127.0.0.1:4455/"
#define PBASE_SHA256	"6a31ab27e2d74badbc17d839010980d8" \
			"ec558c4191b7f9987fda9cd25406d630"

#define COOKIE_SECRET	"cookie-secret-0123456789"		/* 24 */
#define CIPHER_SECRET	"0123456789abcdef0123456789abcdef"	/* 32 */

/*
 * The parts every file needs after the serve block.  "@SCHEMA@" is
 * replaced by the absolute path of etc/identity.schema.json.  9 lines.
 */
#define TAIL \
	"secrets:\n" \
	"  cookie:\n" \
	"    - \"" COOKIE_SECRET "\"\n" \
	"  cipher:\n" \
	"    - \"" CIPHER_SECRET "\"\n" \
	"identity:\n" \
	"  schemas:\n" \
	"    - id: default\n" \
	"      url: \"file://@SCHEMA@\"\n"

/* Three lines. */
#define SERVE \
	"serve:\n" \
	"  public:\n" \
	"    base_url: \"" BASE "\"\n"

struct fx {
	struct arena	 a;
	char		*dir;
	char		 path[PATH_MAX];	/* <dir>/gatehouse.yml */
	char		 schema[PATH_MAX];	/* etc/identity.schema.json */
	char		*err;			/* captured stderr of load() */
	struct config	 cfg;
	int		 loaded;
};

static int
setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));
	char		 rel[PATH_MAX];

	if (fx == NULL)
		return -1;
	arena_init(&fx->a, 16384);
	arena_use_for_json(&fx->a);
	if ((fx->dir = tl_mkdtemp()) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/gatehouse.yml", fx->dir);
	if (realpath(tl_path(rel, sizeof(rel), "etc/identity.schema.json"),
	    fx->schema) == NULL)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	if (fx->loaded)
		config_release(&fx->cfg);
	free(fx->err);
	tl_rmrf(fx->dir);
	free(fx->dir);
	arena_release(&fx->a);
	free(fx);
	return 0;
}

/* text with every "@SCHEMA@" replaced, in the arena. */
static char *
subst(struct fx *fx, const char *text)
{
	const char	*at;
	char		*out = arena_strdup(&fx->a, "");

	while ((at = strstr(text, "@SCHEMA@")) != NULL) {
		out = arena_printf(&fx->a, "%s%.*s%s", out, (int)(at - text),
		    text, fx->schema);
		text = at + strlen("@SCHEMA@");
	}
	return arena_printf(&fx->a, "%s%s", out, text);
}

/*
 * Write yaml to fx->path and config_load it with standard error captured
 * into fx->err.  Returns config_load's result; on 0 the configuration is
 * released by the teardown.
 */
static int
load_at(struct fx *fx, const char *path, const char *yaml)
{
	char	 capture[PATH_MAX];
	int	 saved, fd, rc;

	if (yaml != NULL)
		assert_int_equal(tl_write_file(path, subst(fx, yaml)), 0);
	if (fx->loaded) {
		config_release(&fx->cfg);
		fx->loaded = 0;
	}
	free(fx->err);
	fx->err = NULL;

	snprintf(capture, sizeof(capture), "%s/stderr.txt", fx->dir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved != -1 && fd != -1);
	dup2(fd, STDERR_FILENO);
	close(fd);
	rc = config_load(&fx->cfg, path);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fx->err = tl_read_file(capture);
	assert_non_null(fx->err);
	if (rc == 0)
		fx->loaded = 1;
	return rc;
}

static int
load(struct fx *fx, const char *yaml)
{
	return load_at(fx, fx->path, yaml);
}

/* Loading fails with exactly one line "<file>:<line>: <rest>...". */
static void
expect_error(struct fx *fx, const char *yaml, unsigned line,
    const char *rest)
{
	char	*want;

	if (load(fx, yaml) != -1)
		fail_msg("loaded; wanted line %u: %s", line, rest);
	assert_false(fx->loaded);
	want = arena_printf(&fx->a, "%s:%u: %s", fx->path, line, rest);
	if (strncmp(fx->err, want, strlen(want)) != 0)
		fail_msg("stderr \"%s\", want \"%s...\"", fx->err, want);
	/* One line only. */
	assert_non_null(strchr(fx->err, '\n'));
	assert_string_equal(strchr(fx->err, '\n'), "\n");
	/* config_load() zeroes cfg after a failure. */
	assert_null(fx->cfg.base_url);
	assert_null(fx->cfg.schema);
}

/* --- loading ------------------------------------------------------------ */

static void
test_config_minimal_defaults(void **state)
{
	struct fx		*fx = *state;
	const struct config	*c = &fx->cfg;

	assert_int_equal(load(fx, SERVE TAIL), 0);
	assert_string_equal(fx->err, "");
	assert_string_equal(c->path, fx->path);
	assert_string_equal(c->base_url, BASE);
	assert_string_equal(c->base_path, "/");
	assert_string_equal(c->origin, "http://127.0.0.1");
	assert_false(c->https);
	assert_string_equal(c->default_return_url, BASE);
	assert_int_equal(c->allowed_return_urls_len, 0);
	assert_string_equal(c->flows[FLOW_LOGIN].ui_url, BASE "login");
	assert_string_equal(c->flows[FLOW_REGISTRATION].ui_url,
	    BASE "registration");
	assert_string_equal(c->flows[FLOW_SETTINGS].ui_url, BASE "settings");
	assert_string_equal(c->flows[FLOW_ERROR].ui_url, BASE "error");
	assert_int_equal(c->flows[FLOW_LOGIN].lifespan, 3600);
	assert_int_equal(c->flows[FLOW_REGISTRATION].lifespan, 3600);
	assert_int_equal(c->flows[FLOW_SETTINGS].lifespan, 3600);
	assert_int_equal(c->privileged_max_age, 900);
	assert_string_equal(c->logout_return_url, BASE);
	assert_true(c->password_enabled);
	assert_int_equal(c->password_min, 8);
	assert_int_equal(c->password_max, 1024);
	assert_int_equal(c->session_lifespan, 86400);
	assert_string_equal(c->cookie_name, "ory_kratos_session");
	assert_string_equal(c->cookie_same_site, "Lax");
	assert_int_equal(c->cookie_secrets_len, 1);
	assert_int_equal(c->cookie_secret_lens[0], strlen(COOKIE_SECRET));
	assert_memory_equal(c->cookie_secrets[0], COOKIE_SECRET,
	    strlen(COOKIE_SECRET));
	assert_int_equal(c->cipher_secrets_len, 1);
	assert_int_equal(c->cipher_secret_lens[0], 32);
	assert_int_equal(c->argon2.memory_kib, 19 * 1024);
	assert_int_equal(c->argon2.iterations, 2);
	assert_int_equal(c->argon2.parallelism, 1);
	assert_string_equal(c->schema_id, "default");
	assert_string_equal(c->schema_path, fx->schema);
	assert_non_null(c->schema);
	assert_string_equal(c->schema->identifier->name, "email");
	assert_string_equal(c->state_dir, arena_printf(&fx->a, "%s/var",
	    fx->dir));
	assert_string_equal(c->templates_dir, arena_printf(&fx->a,
	    "%s/templates", fx->dir));
	assert_int_equal(c->max_body, 64 * 1024);
	assert_int_equal(c->db_cache, 4 * 1024 * 1024);
	assert_string_equal(c->csrf_cookie_name, "csrf_token_" BASE_SHA256);

	/* Second factors are off unless asked for; policies as Kratos's. */
	assert_false(c->totp_enabled);
	assert_false(c->lookup_enabled);
	assert_string_equal(c->totp_issuer, "127.0.0.1");
	assert_int_equal(c->whoami_aal, AAL_POLICY_HIGHEST);
	assert_int_equal(c->settings_aal, AAL_POLICY_HIGHEST);
	assert_int_equal(c->mfa_grace, 0);
	assert_int_equal(c->registration_hooks, HOOK_SESSION);
	assert_non_null(c->csp);
	assert_non_null(strstr(c->csp, "form-action 'self';"));
}

/*
 * Regression: the default TOTP issuer is the base URL's host name without
 * the port (Kratos's default); it once kept "127.0.0.1:4455", which the
 * colon check then refused.
 */
static void
test_config_default_totp_issuer_port(void **state)
{
	struct fx	*fx = *state;

	(void)load(fx,
	    "serve:\n"
	    "  public:\n"
	    "    base_url: " PBASE "\n"
	    TAIL);
	assert_true(fx->loaded);
	assert_string_equal(fx->err, "");
	assert_string_equal(fx->cfg.totp_issuer, "127.0.0.1");
	assert_string_equal(fx->cfg.csrf_cookie_name, "csrf_token_"
	    PBASE_SHA256);
}

static void
test_config_https_base_path_derived(void **state)
{
	struct fx		*fx = *state;
	const struct config	*c = &fx->cfg;

	/* No trailing slash: one is added; origin and path are split off. */
	assert_int_equal(load(fx,
	    "serve:\n"
	    "  public:\n"
	    "    base_url: https://auth.example.com:8443/app\n"
	    "selfservice:\n"
	    "  methods:\n"
	    "    totp:\n"
	    "      config:\n"
	    "        issuer: Example Inc.\n"
	    TAIL), 0);
	assert_string_equal(c->base_url, "https://auth.example.com:8443/app/");
	assert_string_equal(c->base_path, "/app/");
	assert_string_equal(c->origin, "https://auth.example.com:8443");
	assert_true(c->https);
	assert_string_equal(c->flows[FLOW_LOGIN].ui_url,
	    "https://auth.example.com:8443/app/login");
	assert_int_equal(strlen(c->csrf_cookie_name), 11 + 64);
	assert_string_not_equal(c->csrf_cookie_name, "csrf_token_" BASE_SHA256);

	/* A bare host gets the path "/". */
	assert_int_equal(load(fx,
	    "serve:\n"
	    "  public:\n"
	    "    base_url: http://localhost\n"
	    TAIL), 0);
	assert_string_equal(c->base_url, "http://localhost/");
	assert_string_equal(c->base_path, "/");
	assert_string_equal(c->origin, "http://localhost");

	/* An explicit issuer may not hold a colon (otpauth label). */
	expect_error(fx, SERVE
	    "selfservice:\n"
	    "  methods:\n"
	    "    totp:\n"
	    "      config:\n"
	    "        issuer: \"Example: Inc\"\n"
	    TAIL, 8, "selfservice.methods.totp.config.issuer: must not "
	    "contain a colon");
}

static void
test_config_values_and_relative_paths(void **state)
{
	struct fx		*fx = *state;
	const struct config	*c = &fx->cfg;
	char			*schema, *copy;

	/* A schema beside the file, named relatively. */
	schema = tl_read_file(fx->schema);
	assert_non_null(schema);
	copy = arena_printf(&fx->a, "%s/my.schema.json", fx->dir);
	assert_int_equal(tl_write_file(copy, schema), 0);
	free(schema);

	assert_int_equal(load(fx,
	    "version: v1\n"
	    "dsn: berkeleydb:state/db\n"
	    SERVE
	    "selfservice:\n"
	    "  default_browser_return_url: http://127.0.0.1:4455/welcome\n"
	    "  allowed_return_urls:\n"
	    "    - https://a.example\n"
	    "    - https://b.example/app/\n"
	    "  flows:\n"
	    "    login:\n"
	    "      lifespan: 15m\n"
	    "      ui_url: https://ui.example/login\n"
	    "    registration:\n"
	    "      lifespan: 1h30m\n"
	    "    settings:\n"
	    "      lifespan: 600\n"
	    "      privileged_session_max_age: 0s\n"
	    "    logout:\n"
	    "      after:\n"
	    "        default_browser_return_url: https://a.example/bye\n"
	    "  methods:\n"
	    "    password:\n"
	    "      enabled: false\n"
	    "      config:\n"
	    "        min_password_length: 10\n"
	    "        max_password_length: 64\n"
	    "session:\n"
	    "  lifespan: 24h\n"
	    "  cookie:\n"
	    "    name: my_session-1\n"
	    "    same_site: Strict\n"
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"" COOKIE_SECRET "\"\n"
	    "    - \"an-older-cookie-secret\"\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "hashers:\n"
	    "  algorithm: argon2\n"
	    "  argon2:\n"
	    "    memory: 64MB\n"
	    "    iterations: 3\n"
	    "    parallelism: 2\n"
	    "identity:\n"
	    "  default_schema_id: mine\n"
	    "  schemas:\n"
	    "    - id: other\n"
	    "      url: /nonexistent/never/read.json\n"
	    "    - id: mine\n"
	    "      url: my.schema.json\n"
	    "gatehouse:\n"
	    "  templates_dir: /srv/templates\n"
	    "  max_body_size: 1MB\n"
	    "  db_cache_size: 8MiB\n"), 0);
	assert_string_equal(fx->err, "");
	assert_string_equal(c->state_dir, arena_printf(&fx->a, "%s/state/db",
	    fx->dir));
	assert_string_equal(c->default_return_url,
	    "http://127.0.0.1:4455/welcome");
	assert_int_equal(c->allowed_return_urls_len, 2);
	assert_string_equal(c->allowed_return_urls[0], "https://a.example");
	assert_string_equal(c->allowed_return_urls[1],
	    "https://b.example/app/");
	assert_int_equal(c->flows[FLOW_LOGIN].lifespan, 900);
	assert_string_equal(c->flows[FLOW_LOGIN].ui_url,
	    "https://ui.example/login");
	assert_int_equal(c->flows[FLOW_REGISTRATION].lifespan, 5400);
	assert_int_equal(c->flows[FLOW_SETTINGS].lifespan, 600);
	assert_int_equal(c->privileged_max_age, 0);
	assert_string_equal(c->logout_return_url, "https://a.example/bye");
	assert_false(c->password_enabled);
	assert_int_equal(c->password_min, 10);
	assert_int_equal(c->password_max, 64);
	assert_int_equal(c->session_lifespan, 86400);
	assert_string_equal(c->cookie_name, "my_session-1");
	assert_string_equal(c->cookie_same_site, "Strict");
	assert_int_equal(c->cookie_secrets_len, 2);
	assert_memory_equal(c->cookie_secrets[1], "an-older-cookie-secret",
	    c->cookie_secret_lens[1]);
	assert_int_equal(c->argon2.memory_kib, 65536);
	assert_int_equal(c->argon2.iterations, 3);
	assert_int_equal(c->argon2.parallelism, 2);
	assert_string_equal(c->schema_id, "mine");
	assert_string_equal(c->schema_path, copy);
	assert_string_equal(c->templates_dir, "/srv/templates");
	assert_int_equal(c->max_body, 1 << 20);
	assert_int_equal(c->db_cache, 8 << 20);
}

static void
test_config_secrets_default_fallback(void **state)
{
	struct fx	*fx = *state;

	/* Kratos: secrets.default stands in for cookie and cipher. */
	assert_int_equal(load(fx, SERVE
	    "secrets:\n"
	    "  default:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"@SCHEMA@\"\n"), 0);
	assert_int_equal(fx->cfg.cookie_secrets_len, 1);
	assert_int_equal(fx->cfg.cipher_secrets_len, 1);
	assert_memory_equal(fx->cfg.cookie_secrets[0], CIPHER_SECRET, 32);
	assert_memory_equal(fx->cfg.cipher_secrets[0], CIPHER_SECRET, 32);
}

/* --- errors: "file:line: key: problem" ----------------------------------- */

static void
test_config_error_unknown_key(void **state)
{
	struct fx	*fx = *state;

	expect_error(fx,
	    "serve:\n"
	    "  public:\n"
	    "    base_url: \"" BASE "\"\n"
	    "    port: 4455\n"
	    TAIL, 4, "serve.public.port: unknown key\n");
	expect_error(fx, SERVE TAIL
	    "sesion: x\n", 13, "sesion: unknown key\n");
	expect_error(fx, SERVE TAIL
	    "session:\n"
	    "  lifespan: 1h\n"
	    "  cookie:\n"
	    "    domain: example.com\n", 16,
	    "session.cookie.domain: unknown key\n");
	/* A known parent given a scalar is not a mapping. */
	expect_error(fx, SERVE TAIL
	    "session: 1h\n", 13, "session: expected a mapping of keys\n");
	/* A list where a single value belongs. */
	expect_error(fx, SERVE TAIL
	    "session:\n"
	    "  lifespan:\n"
	    "    - 1h\n", 15, "session.lifespan: expected a single value\n");
}

static void
test_config_error_bad_duration(void **state)
{
	struct fx	*fx = *state;
	static const char *const bad[] = { "1x", "-1s", "1ms", "h", "1.5h",
	    "0s" };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(fx, arena_printf(&fx->a, SERVE TAIL
		    "session:\n"
		    "  lifespan: \"%s\"\n", bad[i]), 14,
		    "session.lifespan: expected a duration");
	/* Below the minimum: flows last at least a second. */
	expect_error(fx, SERVE
	    "selfservice:\n"
	    "  flows:\n"
	    "    login:\n"
	    "      lifespan: 0s\n"
	    TAIL, 7, "selfservice.flows.login.lifespan: expected a duration");
	/* Sessions last at least a minute. */
	expect_error(fx, SERVE TAIL
	    "session:\n"
	    "  lifespan: 59s\n", 14, "session.lifespan: expected a duration");
}

static void
test_config_error_bad_url(void **state)
{
	struct fx	*fx = *state;
	static const char *const bad[] = {
		"ftp://example.com/",
		"/relative",
		"example.com",
		"http://",
		"https:///path",
		"http://a b/",
		"http://a/\"x",
		"javascript:alert(1)",
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_error(fx, arena_printf(&fx->a,
		    "serve:\n"
		    "  public:\n"
		    "    base_url: '%s'\n" TAIL, bad[i]), 3,
		    "serve.public.base_url: expected an absolute http(s) URL\n");
		expect_error(fx, arena_printf(&fx->a, SERVE
		    "selfservice:\n"
		    "  default_browser_return_url: '%s'\n" TAIL, bad[i]), 5,
		    "selfservice.default_browser_return_url: expected an "
		    "absolute http(s) URL\n");
	}
	expect_error(fx, SERVE
	    "selfservice:\n"
	    "  allowed_return_urls:\n"
	    "    - https://ok.example/\n"
	    "    - //evil.example/\n"
	    TAIL, 7, "selfservice.allowed_return_urls: expected absolute");
	expect_error(fx,
	    "serve:\n"
	    "  public:\n"
	    "    base_url: http://127.0.0.1:4455/?x=1\n" TAIL, 3,
	    "serve.public.base_url: must not hold a query or fragment\n");
	expect_error(fx,
	    "serve:\n"
	    "  public:\n"
	    "    base_url: http://127.0.0.1:4455/#top\n" TAIL, 3,
	    "serve.public.base_url: must not hold a query or fragment\n");
}

static void
test_config_error_secrets(void **state)
{
	struct fx	*fx = *state;

	/* The cipher secret must be exactly 32 characters. */
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"" COOKIE_SECRET "\"\n"
	    "  cipher:\n"
	    "    - \"0123456789abcdef0123456789abcde\"\n"
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"@SCHEMA@\"\n", 8,
	    "secrets.cipher: each secret must be exactly 32 characters\n");
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"" COOKIE_SECRET "\"\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "    - \"" CIPHER_SECRET "x\"\n"
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"@SCHEMA@\"\n", 9,
	    "secrets.cipher: each secret must be exactly 32 characters\n");
	/* Cookie secrets: at least 16. */
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"0123456789abcde\"\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"@SCHEMA@\"\n", 6,
	    "secrets.cookie: each secret must be at least 16 characters\n");
	/* None at all (there is no default). */
	expect_error(fx, SERVE
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"@SCHEMA@\"\n", 1,
	    "secrets.cookie: at least one secret is required\n");
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie: []\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"@SCHEMA@\"\n", 5,
	    "secrets.cookie: at least one secret is required\n");
}

static void
test_config_error_missing_base_url(void **state)
{
	struct fx	*fx = *state;

	expect_error(fx, TAIL, 1,
	    "serve.public.base_url: missing (required)\n");
	expect_error(fx, "serve:\n  public: {}\n" TAIL, 1,
	    "serve.public.base_url: missing (required)\n");
	expect_error(fx, "serve:\n  public:\n    base_url: \"\"\n" TAIL, 3,
	    "serve.public.base_url: must not be empty\n");
}

static void
test_config_error_yaml_syntax(void **state)
{
	struct fx	*fx = *state;

	expect_error(fx, SERVE "session: lifespan: 1h\n" TAIL, 4,
	    "mapping values are not allowed");
	expect_error(fx, SERVE "session:\n\tlifespan: 1h\n" TAIL, 5, "");
	/* An open quote runs on to the next quote, on line 8. */
	expect_error(fx, SERVE "session:\n  lifespan: \"1h\n" TAIL, 8,
	    "did not find expected key\n");
	/* At the end of the file: libyaml points past the last line. */
	expect_error(fx, SERVE TAIL "session:\n  lifespan: [1h\n", 15, "");
}

static void
test_config_error_schema(void **state)
{
	struct fx	*fx = *state;

	/* default_schema_id names no entry: the line of the list. */
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"" COOKIE_SECRET "\"\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "identity:\n"
	    "  default_schema_id: other\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"@SCHEMA@\"\n", 12,
	    "identity.schemas: no schema with id \"other\"\n");
	/* The schema file does not load: the line of its entry. */
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"" COOKIE_SECRET "\"\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: x\n"
	    "      url: /nonexistent\n"
	    "    - id: default\n"
	    "      url: missing.schema.json\n", 13,
	    "identity.schemas: identity schema: ");
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"" COOKIE_SECRET "\"\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n", 1,
	    "identity.schemas: missing (required)");
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"" COOKIE_SECRET "\"\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: default\n", 11,
	    "identity.schemas: each entry needs an id and a url\n");
	expect_error(fx, SERVE
	    "secrets:\n"
	    "  cookie:\n"
	    "    - \"" COOKIE_SECRET "\"\n"
	    "  cipher:\n"
	    "    - \"" CIPHER_SECRET "\"\n"
	    "identity:\n"
	    "  schemas:\n"
	    "    - id: default\n"
	    "      url: \"@SCHEMA@\"\n"
	    "      format: json\n", 13,
	    "identity.schemas: unknown key format\n");
}

static void
test_config_error_values(void **state)
{
	struct fx	*fx = *state;

	expect_error(fx, SERVE TAIL
	    "selfservice:\n"
	    "  methods:\n"
	    "    password:\n"
	    "      config:\n"
	    "        min_password_length: 5\n", 17,
	    "selfservice.methods.password.config.min_password_length: "
	    "too small (expected 6 to 1024)\n");
	expect_error(fx, SERVE TAIL
	    "selfservice:\n"
	    "  methods:\n"
	    "    password:\n"
	    "      config:\n"
	    "        min_password_length: 8x\n", 17,
	    "selfservice.methods.password.config.min_password_length: "
	    "invalid");
	expect_error(fx, SERVE TAIL
	    "selfservice:\n"
	    "  methods:\n"
	    "    password:\n"
	    "      config:\n"
	    "        min_password_length: 100\n"
	    "        max_password_length: 64\n", 18,
	    "selfservice.methods.password.config.max_password_length: "
	    "must not be below min_password_length\n");
	expect_error(fx, SERVE TAIL
	    "selfservice:\n"
	    "  methods:\n"
	    "    password:\n"
	    "      enabled: yes\n", 16,
	    "selfservice.methods.password.enabled: expected true or false\n");
	expect_error(fx, SERVE TAIL
	    "session:\n"
	    "  cookie:\n"
	    "    same_site: None\n", 15,
	    "session.cookie.same_site: None needs an https base URL");
	expect_error(fx, SERVE TAIL
	    "session:\n"
	    "  cookie:\n"
	    "    same_site: lax\n", 15,
	    "session.cookie.same_site: expected Lax, Strict or None\n");
	expect_error(fx, SERVE TAIL
	    "session:\n"
	    "  cookie:\n"
	    "    name: \"a;b\"\n", 15,
	    "session.cookie.name: letters, digits, '_' and '-' only\n");
	expect_error(fx, SERVE TAIL
	    "hashers:\n"
	    "  algorithm: bcrypt\n", 14,
	    "hashers.algorithm: only argon2 (argon2id) is supported\n");
	expect_error(fx, SERVE TAIL
	    "hashers:\n"
	    "  argon2:\n"
	    "    memory: 512KB\n", 15,
	    "hashers.argon2.memory: out of range");
	expect_error(fx, SERVE TAIL
	    "hashers:\n"
	    "  argon2:\n"
	    "    memory: lots\n", 15,
	    "hashers.argon2.memory: expected a size such as 64KB or 19MB\n");
	expect_error(fx, SERVE TAIL
	    "hashers:\n"
	    "  argon2:\n"
	    "    iterations: 0\n", 15,
	    "hashers.argon2.iterations: too small");
	expect_error(fx, SERVE TAIL "dsn: sqlite:///tmp/x.db\n", 13,
	    "dsn: expected berkeleydb:<directory>\n");
}

static void
test_config_error_files(void **state)
{
	struct fx	*fx = *state;
	char		*want;

	/* An empty file. */
	expect_error(fx, "", 1, "the file is empty\n");
	expect_error(fx, "# only a comment\n", 1, "the file is empty\n");

	/* A missing file: "<path>: <strerror>". */
	want = arena_printf(&fx->a, "%s/nope.yml", fx->dir);
	assert_int_equal(load_at(fx, want, NULL), -1);
	assert_string_equal(fx->err, arena_printf(&fx->a,
	    "%s: No such file or directory\n", want));

	/* The top level must be a mapping. */
	expect_error(fx, "- a\n- b\n", 1, "(top): expected a mapping of keys\n");
}

/* --- config_write_default ------------------------------------------------- */

static void
test_config_write_default_loads(void **state)
{
	struct fx	*fx = *state;
	char		*path, *state_dir;
	struct stat	 st;

	path = arena_printf(&fx->a, "%s/default.yml", fx->dir);
	state_dir = arena_printf(&fx->a, "%s/var", fx->dir);
	assert_int_equal(config_write_default(path, "http://127.0.0.1:4455",
	    state_dir, "/srv/gatehouse/templates", fx->schema), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(load_at(fx, path, NULL), 0);
	assert_string_equal(fx->err, "");
	assert_string_equal(fx->cfg.base_url, PBASE);
	assert_string_equal(fx->cfg.state_dir, state_dir);
	assert_string_equal(fx->cfg.templates_dir, "/srv/gatehouse/templates");
	assert_string_equal(fx->cfg.schema_path, fx->schema);
	assert_string_equal(fx->cfg.flows[FLOW_LOGIN].ui_url, PBASE "login");
	assert_int_equal(fx->cfg.allowed_return_urls_len, 1);
	assert_string_equal(fx->cfg.allowed_return_urls[0], PBASE);
	assert_int_equal(fx->cfg.cookie_secrets_len, 1);
	assert_int_equal(fx->cfg.cookie_secret_lens[0], 48);
	assert_int_equal(fx->cfg.cipher_secret_lens[0], 32);
	assert_int_equal(fx->cfg.argon2.memory_kib, 19 * 1024);
	assert_int_equal(fx->cfg.privileged_max_age, 900);
	assert_int_equal(fx->cfg.session_lifespan, 86400);
	assert_string_equal(fx->cfg.csrf_cookie_name, "csrf_token_"
	    PBASE_SHA256);
	assert_string_equal(fx->cfg.totp_issuer, "Gatehouse");
	assert_true(fx->cfg.totp_enabled);
	assert_true(fx->cfg.lookup_enabled);
	assert_int_equal(fx->cfg.registration_hooks,
	    HOOK_SESSION | HOOK_SHOW_MFA_SETUP);
}

static void
test_config_write_default_fresh_secrets(void **state)
{
	struct fx	*fx = *state;
	char		*p1, *p2, *t1, *t2;

	p1 = arena_printf(&fx->a, "%s/one.yml", fx->dir);
	p2 = arena_printf(&fx->a, "%s/two.yml", fx->dir);
	assert_int_equal(config_write_default(p1, BASE, "/v", "/t",
	    fx->schema), 0);
	assert_int_equal(config_write_default(p2, BASE, "/v", "/t",
	    fx->schema), 0);
	t1 = tl_read_file(p1);
	t2 = tl_read_file(p2);
	assert_non_null(t1);
	assert_non_null(t2);
	assert_string_not_equal(t1, t2);
	/* Both files name the base URL once with its slash, never twice. */
	assert_null(strstr(t1, "127.0.0.1//"));
	free(t1);
	free(t2);
}

static void
test_config_write_default_refuses(void **state)
{
	struct fx	*fx = *state;
	char		*path, *before, *after;
	char		 capture[PATH_MAX];
	int		 saved, fd;

	path = arena_printf(&fx->a, "%s/default.yml", fx->dir);
	assert_int_equal(config_write_default(path, BASE, "/v", "/t",
	    fx->schema), 0);
	before = tl_read_file(path);

	/* The messages go to stderr: keep them out of the test output. */
	snprintf(capture, sizeof(capture), "%s/stderr.txt", fx->dir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDERR_FILENO);
	close(fd);
	/* Never overwrites. */
	assert_int_equal(config_write_default(path, BASE, "/v", "/t",
	    fx->schema), -1);
	/* Not an http(s) URL. */
	assert_int_equal(config_write_default(arena_printf(&fx->a,
	    "%s/bad.yml", fx->dir), "ftp://x/", "/v", "/t", fx->schema), -1);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);

	after = tl_read_file(path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(access(arena_printf(&fx->a, "%s/bad.yml", fx->dir),
	    F_OK), -1);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_config_minimal_defaults),
		T(test_config_default_totp_issuer_port),
		T(test_config_https_base_path_derived),
		T(test_config_values_and_relative_paths),
		T(test_config_secrets_default_fallback),
		T(test_config_error_unknown_key),
		T(test_config_error_bad_duration),
		T(test_config_error_bad_url),
		T(test_config_error_secrets),
		T(test_config_error_missing_base_url),
		T(test_config_error_yaml_syntax),
		T(test_config_error_schema),
		T(test_config_error_values),
		T(test_config_error_files),
		T(test_config_write_default_loads),
		T(test_config_write_default_fresh_secrets),
		T(test_config_write_default_refuses),
	};
#undef T

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
