/* SPDX-License-Identifier: MIT */
/*
 * fuzz: what the libFuzzer targets in tests/fuzz/ share -- the entry
 * points, an invariant check, and the scratch files of the targets whose
 * parser takes a path instead of bytes.
 *
 * Each target is built twice (tests/fuzz/fuzz.mk): against libFuzzer for
 * `make fuzz`, and against replay.c, a plain main() that runs every saved
 * input once, for `make fuzz-replay`.  Both builds use ASan and UBSan, so a
 * memory error or undefined behaviour ends the run with a report.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct arena;

/* The libFuzzer entry points (https://llvm.org/docs/LibFuzzer.html). */
int	 LLVMFuzzerInitialize(int *argc, char ***argv);
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Stop with a message on standard error's file descriptor when an
 * invariant of the code under test does not hold.  abort() is what both
 * libFuzzer and the replay driver report as a crash.
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

void	 fuzz_fail(const char *file, int line, const char *what)
	    __attribute__((noreturn));

/* data[0..size) plus a NUL, in the arena (the input may hold NULs too). */
char	*fuzz_cstr(struct arena *a, const uint8_t *data, size_t size);

/*
 * Silence the stdio stream stderr for code that reports errors there
 * (config_load).  Only the FILE pointer is replaced: file descriptor 2 stays
 * open, so sanitizer reports and libFuzzer's status lines still show.
 */
void	 fuzz_quiet_stderr(void);

/*
 * Make the private directory of fuzz_write_file(), removed at exit.  Call it
 * from LLVMFuzzerInitialize(): the replay driver runs each input in a child
 * that leaves with _exit(), so a directory made there would stay behind.
 */
void	 fuzz_tmpdir_init(void);

/*
 * Write p[0..n) to `name` in that directory; returns the file's path
 * (static storage, valid until the next call).  Aborts on an I/O error:
 * that is the harness failing.
 */
const char *fuzz_write_file(const char *name, const void *p, size_t n);

/*
 * The absolute path of a file of the source tree, such as
 * "etc/identity.schema.json": below $GATEHOUSE_ROOT if set, else in the
 * first directory above the running binary that holds it.  Aborts when it
 * is nowhere: that is the harness failing.  Static storage.
 */
const char *fuzz_source_file(const char *rel);

#endif /* FUZZ_H */
