/* SPDX-License-Identifier: MIT */
/*
 * test_deploy: deploy_check() on a state directory and a configuration
 * file in a mkdtemp() directory -- a 0700 directory passes, a missing one
 * passes (the store creates it), a looser mode or another owner stops
 * start-up with the chmod/chown to run, and a configuration file with
 * secrets readable by others (or needlessly by its group) draws a warning
 * but does not stop start-up.  Messages are read back from a captured
 * standard error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <string.h>

#include "config.h"
#include "deploy.h"
#include "testlib.h"

struct fx {
	char		*dir;
	char		 state[PATH_MAX];
	char		 file[PATH_MAX];
	struct config	 cfg;
	char		*err;		/* captured stderr of the last check */
};

static int
setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_non_null(fx->dir = tl_mkdtemp());
	snprintf(fx->state, sizeof(fx->state), "%s/var", fx->dir);
	snprintf(fx->file, sizeof(fx->file), "%s/gatehouse.yml", fx->dir);
	assert_int_equal(tl_write_file(fx->file, "secrets: ...\n"), 0);
	assert_int_equal(chmod(fx->file, 0600), 0);
	fx->cfg.path = fx->file;
	fx->cfg.state_dir = fx->state;
	fx->cfg.cookie_secrets_len = 1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*fx = *state;

	tl_rmrf(fx->dir);
	free(fx->dir);
	free(fx->err);
	free(fx);
	return 0;
}

/* deploy_check() with standard error captured into fx->err. */
static int
check(struct fx *fx)
{
	char	 capture[PATH_MAX];
	int	 saved, fd, rc;

	free(fx->err);
	snprintf(capture, sizeof(capture), "%s/stderr.txt", fx->dir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved != -1 && fd != -1);
	dup2(fd, STDERR_FILENO);
	close(fd);
	rc = deploy_check(&fx->cfg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_non_null(fx->err = tl_read_file(capture));
	return rc;
}

static void
expect_in_err(struct fx *fx, const char *want)
{
	if (strstr(fx->err, want) == NULL)
		fail_msg("stderr \"%s\" lacks \"%s\"", fx->err, want);
}

static void
test_deploy_state_dir_0700_ok(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(mkdir(fx->state, 0700), 0);
	assert_int_equal(chmod(fx->state, 0700), 0);
	assert_int_equal(check(fx), 0);
	assert_string_equal(fx->err, "");
}

static void
test_deploy_state_dir_missing_ok(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(check(fx), 0);
	assert_string_equal(fx->err, "");
}

static void
test_deploy_state_dir_loose_modes(void **state)
{
	struct fx	*fx = *state;
	static const mode_t modes[] = { 0755, 0750, 0701, 0777, 0500, 0710 };
	char		 want[2 * PATH_MAX + 128];
	size_t		 i;

	assert_int_equal(mkdir(fx->state, 0700), 0);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(chmod(fx->state, modes[i]), 0);
		assert_int_equal(check(fx), -1);
		snprintf(want, sizeof(want), "error: state directory %s has "
		    "mode %04o", fx->state, (unsigned)modes[i]);
		expect_in_err(fx, want);
		snprintf(want, sizeof(want), "chmod 700 %s\n", fx->state);
		expect_in_err(fx, want);
	}
	assert_int_equal(chmod(fx->state, 0700), 0);
}

static void
test_deploy_state_dir_not_a_directory(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(tl_write_file(fx->state, "x"), 0);
	assert_int_equal(check(fx), -1);
	expect_in_err(fx, "is not a directory");
}

static void
test_deploy_state_dir_other_owner(void **state)
{
	struct fx	*fx = *state;

	if (geteuid() != 0)
		skip();		/* only root can hand a directory away */
	assert_int_equal(mkdir(fx->state, 0700), 0);
	assert_int_equal(chown(fx->state, 65534, 65534), 0);
	assert_int_equal(check(fx), -1);
	expect_in_err(fx, "belongs to ");
	expect_in_err(fx, "but Gatehouse runs as root");
	expect_in_err(fx, "chown -R root ");
}

static void
test_deploy_config_world_readable_warns(void **state)
{
	struct fx	*fx = *state;
	char		 want[2 * PATH_MAX + 128];

	assert_int_equal(chmod(fx->file, 0644), 0);
	assert_int_equal(check(fx), 0);	/* a warning, not a stop */
	snprintf(want, sizeof(want), "warning: %s holds secrets and is "
	    "readable by everyone (mode 0644): run  chmod 600 %s\n", fx->file,
	    fx->file);
	expect_in_err(fx, want);
}

static void
test_deploy_config_group_readable_warns_for_owner(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(chmod(fx->file, 0640), 0);
	assert_int_equal(check(fx), 0);
	expect_in_err(fx, "readable by its group (mode 0640)");
}

static void
test_deploy_config_group_readable_for_server_ok(void **state)
{
	struct fx	*fx = *state;

	/* root:www-data 0640 read by a server running as www-data. */
	if (geteuid() != 0)
		skip();
	assert_int_equal(chown(fx->file, 65534, getegid()), 0);
	assert_int_equal(chmod(fx->file, 0640), 0);
	assert_int_equal(check(fx), 0);
	assert_string_equal(fx->err, "");
}

static void
test_deploy_config_0600_quiet(void **state)
{
	struct fx	*fx = *state;

	assert_int_equal(chmod(fx->file, 0600), 0);
	assert_int_equal(check(fx), 0);
	assert_string_equal(fx->err, "");
	assert_int_equal(chmod(fx->file, 0400), 0);
	assert_int_equal(check(fx), 0);
	assert_string_equal(fx->err, "");
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_deploy_state_dir_0700_ok),
		T(test_deploy_state_dir_missing_ok),
		T(test_deploy_state_dir_loose_modes),
		T(test_deploy_state_dir_not_a_directory),
		T(test_deploy_state_dir_other_owner),
		T(test_deploy_config_world_readable_warns),
		T(test_deploy_config_group_readable_warns_for_owner),
		T(test_deploy_config_group_readable_for_server_ok),
		T(test_deploy_config_0600_quiet),
	};
#undef T

	tl_stderr_to_stdout();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
