/* SPDX-License-Identifier: MIT */
/*
 * gatehouse: the program.  Run by a web server it is a FastCGI responder
 * (lighttpd mod_fastcgi, Apache mod_fcgid) or, when standard input is not
 * a FastCGI socket, a plain CGI program that serves one request.  Run with
 * arguments it is a small command-line tool:
 *
 *   gatehouse.fcgi init-config FILE --base-url URL --state-dir DIR
 *       [--templates-dir DIR] [--schema FILE]
 *   gatehouse.fcgi check-config FILE
 *   gatehouse.fcgi identities|sessions|db ...   (see lib/cli.c)
 *
 * The configuration file comes from $GATEHOUSE_CONFIG, else gatehouse.yml
 * beside the program.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "cli.h"
#include "config.h"
#include "crypto.h"
#include "log.h"

/* --- FastCGI and CGI I/O ------------------------------------------------- */

struct io {
	FCGX_Request	*req;	/* NULL in CGI mode */
};

static const char *
io_param(void *ctx, const char *name)
{
	struct io	*io = ctx;

	return io->req ? FCGX_GetParam(name, io->req->envp) : getenv(name);
}

static long
io_read(void *ctx, char *buf, size_t n)
{
	struct io	*io = ctx;
	size_t		 got;

	if (n > INT_MAX)
		n = INT_MAX;
	if (io->req)
		return FCGX_GetStr(buf, (int)n, io->req->in);
	got = fread(buf, 1, n, stdin);
	return got == 0 && ferror(stdin) ? -1 : (long)got;
}

static void
io_emit(void *ctx, const char *p, size_t n)
{
	struct io	*io = ctx;

	while (n > 0) {
		int	 chunk = n > 65536 ? 65536 : (int)n;

		if (io->req)
			FCGX_PutStr(p, chunk, io->req->out);
		else
			fwrite(p, 1, (size_t)chunk, stdout);
		p += chunk;
		n -= (size_t)chunk;
	}
}

/* --- signals ------------------------------------------------------------- */

static volatile sig_atomic_t busy, stopping;

/*
 * The watchdog: a request that has not finished after this long is stuck
 * -- in practice, waiting on a Berkeley DB mutex that a killed worker held,
 * which no timeout can interrupt.  The worker exits; the web server starts
 * a fresh one, whose DB_REGISTER open recovers the environment.
 */
#define WATCHDOG_SECONDS	20

static void
on_alarm(int sig)
{
	static const char msg[] = "gatehouse: request stuck for "
	    "20 s (a killed worker's lock?); exiting to recover\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(75);
}

/*
 * On SIGTERM between requests, leave at once; during a request, finish it
 * first.  An environment left open by an exited process is recovered by
 * the next process to open it (DB_REGISTER), so nothing is lost.
 */
static void
on_term(int sig)
{
	(void)sig;
	if (!busy)
		_exit(0);
	stopping = 1;
}

/* --- command line -------------------------------------------------------- */

static int
usage(void)
{
	fprintf(stderr,
	    "usage: gatehouse.fcgi init-config FILE --base-url URL "
	    "--state-dir DIR [--templates-dir DIR] [--schema FILE]\n"
	    "       gatehouse.fcgi check-config FILE\n"
	    "Without arguments it serves FastCGI (or one CGI request).\n");
	return 64;
}

static int
cli(int argc, char **argv)
{
	const char	*base = NULL, *state = NULL, *tdir = NULL, *schema = NULL;
	struct app	 app;
	int		 i;

	if (argc >= 3 && strcmp(argv[1], "check-config") == 0) {
		arena_init(&app.startup, 65536);
		arena_use_for_json(&app.startup);
		if (config_load(&app.cfg, argv[2]) == -1)
			return 78;
		printf("%s: ok (base URL %s, state in %s)\n", argv[2],
		    app.cfg.base_url, app.cfg.state_dir);
		config_release(&app.cfg);
		arena_release(&app.startup);
		return 0;
	}
	if (argc < 3 || strcmp(argv[1], "init-config") != 0)
		return usage();
	for (i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--base-url") == 0)
			base = argv[i + 1];
		else if (strcmp(argv[i], "--state-dir") == 0)
			state = argv[i + 1];
		else if (strcmp(argv[i], "--templates-dir") == 0)
			tdir = argv[i + 1];
		else if (strcmp(argv[i], "--schema") == 0)
			schema = argv[i + 1];
		else
			return usage();
	}
	if (i != argc || base == NULL || state == NULL)
		return usage();
	if (config_write_default(argv[2], base, state,
	    tdir ? tdir : "templates", schema ? schema :
	    "identity.schema.json") == -1)
		return 73;
	printf("wrote %s with fresh secrets\n", argv[2]);
	return 0;
}

/* --- serving ------------------------------------------------------------- */

static const char *
config_path(const char *argv0)
{
	static char	 path[PATH_MAX];
	const char	*env = getenv("GATEHOUSE_CONFIG"), *slash;

	if (env != NULL && *env != '\0')
		return env;
	slash = strrchr(argv0, '/');
	snprintf(path, sizeof(path), "%.*sgatehouse.yml",
	    slash ? (int)(slash - argv0 + 1) : 0, argv0);
	return path;
}

int
main(int argc, char **argv)
{
	struct app		 app;
	struct io		 io;
	FCGX_Request		 req;
	struct sigaction	 sa;
	int			 cgi;

	if (argc > 1 && cli_is_command(argv[1]))
		return cli_main(argc, argv);
	if (argc > 1)
		return cli(argc, argv);
	log_init("gatehouse");
	cgi = FCGX_Init() != 0 || FCGX_IsCGI();

	/*
	 * Start-up joins the Berkeley DB environment, which can block on a
	 * mutex a killed worker held: the watchdog covers it too.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(WATCHDOG_SECONDS);
	if (app_init(&app, config_path(argv[0]), cgi) == -1)
		return 78;
	alarm(0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cgi) {
		unsigned char	 dice;

		busy = 1;
		io.req = NULL;
		alarm(WATCHDOG_SECONDS);
		app_handle(&app, io_param, io_read, io_emit, &io);

		/*
		 * Closing standard output ends the response for the web
		 * server; then, one request in 32, this process does the
		 * housekeeping a FastCGI worker does after each response, so
		 * a CGI-only host also gets expired flows swept and its logs
		 * trimmed.
		 */
		fclose(stdout);
		if (crypto_random(&dice, 1) == RC_OK && dice % 32 == 0)
			app_after(&app);
		app_release(&app);
		return 0;
	}
	FCGX_InitRequest(&req, 0, 0);
	io.req = &req;
	while (!stopping && FCGX_Accept_r(&req) >= 0) {
		busy = 1;
		alarm(WATCHDOG_SECONDS);
		app_handle(&app, io_param, io_read, io_emit, &io);
		FCGX_Finish_r(&req);

		/* Housekeeping runs only once the client has its answer. */
		app_after(&app);
		alarm(0);
		busy = 0;
	}
	app_release(&app);
	return 0;
}
