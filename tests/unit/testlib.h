/* SPDX-License-Identifier: MIT */
/*
 * testlib: helpers shared by the cmocka unit tests -- finding the
 * repository (for etc/ and tests/vectors/), temporary directories, and the
 * tests/vectors/ reader.
 *
 * Everything here is static inline so that a test binary that does not use
 * a helper compiles without -Wunused-function noise.  Include after
 * <cmocka.h>.
 *
 * Vector files: one case a line, fields separated by TAB; lines starting
 * with '#' are comments and empty lines are skipped.  Fields are returned
 * raw; tl_unescape() decodes \xHH, \t, \n, \r and \\ in place, so a test can
 * split a field (say at '=') before decoding it.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The repository root: $GATEHOUSE_ROOT, else the nearest ancestor of the
 * test executable holding etc/identity.schema.json (tests/unit/test_x and
 * build/asan/tests/unit/test_x both work from any directory), else ".".
 */
/*
 * A cmocka setup/teardown pair giving each test a fresh arena in *state,
 * also used for jansson's memory (arena_use_for_json); include arena.h
 * before this header to use them.
 */
#ifdef ARENA_H
static inline int
tl_arena_setup(void **state)
{
	struct arena	*a = malloc(sizeof(*a));

	if (a == NULL)
		return -1;
	arena_init(a, 4096);
	arena_use_for_json(a);
	*state = a;
	return 0;
}

static inline int
tl_arena_teardown(void **state)
{
	struct arena	*a = *state;

	arena_release(a);
	free(a);
	return 0;
}
#endif

static inline const char *
tl_root(void)
{
	static char	 root[PATH_MAX];
	char		 probe[PATH_MAX + 64], *slash;
	const char	*env;
	ssize_t		 n;

	if (root[0] != '\0')
		return root;
	if ((env = getenv("GATEHOUSE_ROOT")) != NULL && *env != '\0') {
		snprintf(root, sizeof(root), "%s", env);
		return root;
	}
	n = readlink("/proc/self/exe", root, sizeof(root) - 1);
	if (n > 0) {
		root[n] = '\0';
		while ((slash = strrchr(root, '/')) != NULL && slash != root) {
			*slash = '\0';
			snprintf(probe, sizeof(probe),
			    "%s/etc/identity.schema.json", root);
			if (access(probe, R_OK) == 0)
				return root;
		}
	}
	snprintf(root, sizeof(root), ".");
	return root;
}

/* <root>/<rel> into buf[len]; returns buf. */
static inline const char *
tl_path(char *buf, size_t len, const char *rel)
{
	int	 n = snprintf(buf, len, "%s/%s", tl_root(), rel);

	if (n < 0 || (size_t)n >= len)
		abort();
	return buf;
}

/* A fresh directory under $TMPDIR (or /tmp), malloc()ed: free it. */
static inline char *
tl_mkdtemp(void)
{
	const char	*t = getenv("TMPDIR");
	char		*p;
	size_t		 len;

	if (t == NULL || *t == '\0')
		t = "/tmp";
	len = strlen(t) + sizeof("/gatehouse-unit-XXXXXX");
	p = malloc(len);
	if (p == NULL)
		return NULL;
	snprintf(p, len, "%s/gatehouse-unit-XXXXXX", t);
	if (mkdtemp(p) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

static inline int
tl_rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* rm -rf dir. */
static inline int
tl_rmrf(const char *dir)
{
	return nftw(dir, tl_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write text to path (truncating).  0 or -1. */
static inline int
tl_write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");
	int	 rc = 0;

	if (fp == NULL)
		return -1;
	if (fputs(text, fp) == EOF)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

/* The whole file as a malloc()ed string, or NULL. */
static inline char *
tl_read_file(const char *path)
{
	FILE	*fp = fopen(path, "r");
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, got;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 8192);

			if (nb == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
			cap += 8192;
		}
		got = fread(buf + len, 1, cap - len - 1, fp);
		len += got;
		if (got == 0)
			break;
	}
	buf[len] = '\0';
	fclose(fp);
	return buf;
}

static inline int
tl_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode \xHH, \t, \n, \r and \\ in s, in place; NUL-terminates and
 * returns the decoded length (the result may hold NUL bytes).
 */
static inline size_t
tl_unescape(char *s)
{
	char	*in = s, *out = s;

	while (*in != '\0') {
		if (in[0] == '\\' && in[1] == 'x' &&
		    tl_hexval((unsigned char)in[2]) >= 0 &&
		    tl_hexval((unsigned char)in[3]) >= 0) {
			*out++ = (char)(tl_hexval((unsigned char)in[2]) << 4 |
			    tl_hexval((unsigned char)in[3]));
			in += 4;
		} else if (in[0] == '\\' && in[1] == 't') {
			*out++ = '\t';
			in += 2;
		} else if (in[0] == '\\' && in[1] == 'n') {
			*out++ = '\n';
			in += 2;
		} else if (in[0] == '\\' && in[1] == 'r') {
			*out++ = '\r';
			in += 2;
		} else if (in[0] == '\\' && in[1] == '\\') {
			*out++ = '\\';
			in += 2;
		} else
			*out++ = *in++;
	}
	*out = '\0';
	return (size_t)(out - s);
}

/* Decode hex into out[max]; returns the length, or (size_t)-1. */
static inline size_t
tl_unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t	 n = strlen(hex), i;

	if (n % 2 != 0 || n / 2 > max)
		return (size_t)-1;
	for (i = 0; i < n / 2; i++) {
		int hi = tl_hexval((unsigned char)hex[2 * i]);
		int lo = tl_hexval((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return (size_t)-1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return n / 2;
}

/*
 * cmocka 1.1.5 prints its closing "[  PASSED  ]" / "[  FAILED  ]" lines on
 * standard error; CI counts them on standard output.  Call first thing in
 * main(): stderr then shares stdout's descriptor, and stdout is unbuffered
 * so the two streams keep their order.
 */
static inline void
tl_stderr_to_stdout(void)
{
	fflush(stdout);
	setvbuf(stdout, NULL, _IONBF, 0);
	dup2(STDOUT_FILENO, STDERR_FILENO);
}

#define TL_VEC_MAXF	16

struct tl_vec {
	FILE		*fp;
	char		 file[PATH_MAX];
	char		 line[16384];
	unsigned	 lineno;
	char		*f[TL_VEC_MAXF];	/* raw fields */
	size_t		 n;			/* how many */
};

/* Open tests/vectors/<name>.  0, or -1 (with a message on stderr). */
static inline int
tl_vec_open(struct tl_vec *v, const char *name)
{
	char	 rel[PATH_MAX];

	memset(v, 0, sizeof(*v));
	if (snprintf(rel, sizeof(rel), "tests/vectors/%s", name) >=
	    (int)sizeof(rel))
		return -1;
	tl_path(v->file, sizeof(v->file), rel);
	if ((v->fp = fopen(v->file, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", v->file, strerror(errno));
		return -1;
	}
	return 0;
}

/* The next case: 1 with v->f / v->n set, 0 at the end of the file. */
static inline int
tl_vec_next(struct tl_vec *v)
{
	char	*p, *tab;
	size_t	 len;

	while (fgets(v->line, sizeof(v->line), v->fp) != NULL) {
		v->lineno++;
		len = strlen(v->line);
		if (len > 0 && v->line[len - 1] == '\n')
			v->line[--len] = '\0';
		if (len == 0 || v->line[0] == '#')
			continue;
		v->n = 0;
		for (p = v->line; v->n < TL_VEC_MAXF; p = tab + 1) {
			v->f[v->n++] = p;
			if ((tab = strchr(p, '\t')) == NULL)
				break;
			*tab = '\0';
		}
		return 1;
	}
	return 0;
}

static inline void
tl_vec_close(struct tl_vec *v)
{
	if (v->fp != NULL)
		fclose(v->fp);
	v->fp = NULL;
}

#endif /* TESTLIB_H */
