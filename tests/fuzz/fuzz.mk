# Fuzz targets: tests/fuzz/fuzz_<name>.c, one per parser, built with clang.
# Included by the top-level Makefile; paths are relative to the top.
#
#   make fuzz            run every target for FUZZ_SECONDS (default 30) with
#                        libFuzzer; new inputs go to build/fuzz/corpus/<name>,
#                        crashes to build/fuzz/artifacts/<name>-*
#   make fuzz-<name>     the same for one target
#   make fuzz-replay     run every target once over each file of its saved
#                        corpus, tests/fuzz/corpus/<name>, without libFuzzer
#                        (tests/fuzz/replay.c); part of `make test`
#   make fuzz-merge      add to the saved corpus the inputs of
#                        build/fuzz/corpus/<name> that reach new coverage
#                        (libFuzzer -merge=1 keeps the smallest such inputs)
#
# FUZZ_FLAGS adds libFuzzer options (e.g. FUZZ_FLAGS=-jobs=4), FUZZ_CC names
# the compiler.  To rerun one input: build/fuzz/replay/fuzz_<name> <file>.
#
# Both builds compile lib/*.c again with the sanitizers (libFuzzer needs
# clang's coverage instrumentation in the code under test, so the gcc-built
# lib/libgatehouse.a will not do) into an archive, from which the linker
# takes only the objects a target needs: no target pulls in the C++
# renderer.  lib/app.c (routing; no parser) is left out of the archive.

FUZZ_CC		?= clang
FUZZ_SECONDS	?= 30
FUZZ_FLAGS	?=
FUZZ_NAMES	 = b64 config cookie json_body record schema urlencoded
FUZZ_DIR	 = build/fuzz

FUZZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	:= -std=c11 $(WARN) -O1 -g -D_DEFAULT_SOURCE -D_GNU_SOURCE \
		   -Ilib -Itests/fuzz \
		   $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
FUZZ_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -ldb -lcrypt
FUZZ_LIBSRCS	 = $(filter-out lib/app.c,$(LIBSRCS))

# Sanitizer settings for the replay: a leak or any report fails the run.
FUZZ_ENV	 = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: fuzz fuzz-merge $(FUZZ_NAMES:%=fuzz-%)

# One object tree per flavour: "libfuzzer" (coverage-instrumented, linked
# with libFuzzer's main) and "replay" (linked with replay.c).
define FUZZ_FLAVOUR
$(FUZZ_DIR)/$(1)/lib/%.o: lib/%.c
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$@"
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(FUZZ_SAN) $(2) -c -o $$@ $$<

$(FUZZ_DIR)/$(1)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$@"
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(FUZZ_SAN) $(2) -c -o $$@ $$<

$(FUZZ_DIR)/$(1)/libgatehouse.a: \
    $(patsubst %.c,$(FUZZ_DIR)/$(1)/%.o,$(FUZZ_LIBSRCS))
	@echo "  AR      $$@"
	$$(Q)rm -f $$@ && ar rcs $$@ $$^

$(FUZZ_DIR)/$(1)/fuzz_%: $(FUZZ_DIR)/$(1)/tests/fuzz/fuzz_%.o \
    $(FUZZ_DIR)/$(1)/tests/fuzz/fuzz.o $(3) $(FUZZ_DIR)/$(1)/libgatehouse.a
	@echo "  LINK    $$@"
	$$(Q)$$(FUZZ_CC) $$(FUZZ_SAN) $(4) -o $$@ $$^ $$(FUZZ_LIBS)
endef

$(eval $(call FUZZ_FLAVOUR,libfuzzer,-fsanitize=fuzzer-no-link,, \
    -fsanitize=fuzzer))
$(eval $(call FUZZ_FLAVOUR,replay,,$(FUZZ_DIR)/replay/tests/fuzz/replay.o,))

# Objects made by pattern rules are not intermediate: keep them.
FUZZ_OBJS	 = $(foreach f,libfuzzer replay, \
		   $(foreach n,fuzz $(FUZZ_NAMES:%=fuzz_%), \
		   $(FUZZ_DIR)/$(f)/tests/fuzz/$(n).o)) \
		   $(FUZZ_DIR)/replay/tests/fuzz/replay.o
.SECONDARY: $(FUZZ_OBJS)

define FUZZ_RUN
fuzz-$(1): $(FUZZ_DIR)/libfuzzer/fuzz_$(1) \
    $(if $(wildcard tests/fuzz/$(1).dict),$(FUZZ_DIR)/$(1).dict)
	@mkdir -p $(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/artifacts
	@echo "  FUZZ    fuzz_$(1) for $$(FUZZ_SECONDS) s"
	$$(Q)$(FUZZ_DIR)/libfuzzer/fuzz_$(1) -max_total_time=$$(FUZZ_SECONDS) \
	    -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/artifacts/$(1)- \
	    $(if $(wildcard tests/fuzz/$(1).dict),-dict=$(FUZZ_DIR)/$(1).dict) \
	    $$(FUZZ_FLAGS) $(FUZZ_DIR)/corpus/$(1) tests/fuzz/corpus/$(1)
endef

$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_RUN,$(n))))

fuzz: $(FUZZ_NAMES:%=fuzz-%)

# Dictionaries: tests/fuzz/<name>.dict; fuzz_config's also gets every key
# name of lib/config.c's key table, so it follows that table.
$(FUZZ_DIR)/%.dict: tests/fuzz/%.dict
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(FUZZ_DIR)/config.dict: tests/fuzz/config.dict lib/config.c
	@mkdir -p $(dir $@)
	$(Q){ cat tests/fuzz/config.dict; \
	    sed -n 's/^[[:space:]]*{ "\([a-z0-9_.]*\)", K_.*/\1/p' \
	    lib/config.c | tr . '\n' | sort -u | sed 's/.*/"&: "/'; } > $@

fuzz-merge: $(FUZZ_NAMES:%=$(FUZZ_DIR)/libfuzzer/fuzz_%)
	$(Q)for n in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$n && \
	    $(FUZZ_DIR)/libfuzzer/fuzz_$$n -merge=1 tests/fuzz/corpus/$$n \
	    $(FUZZ_DIR)/corpus/$$n || exit 1; done

# Every target runs even when one fails; the status says if any did.
fuzz-replay: $(FUZZ_NAMES:%=$(FUZZ_DIR)/replay/fuzz_%)
	$(Q)st=0; for n in $(FUZZ_NAMES); do \
	    $(FUZZ_ENV) $(FUZZ_DIR)/replay/fuzz_$$n tests/fuzz/corpus/$$n \
	    || st=1; done; exit $$st

-include $(wildcard $(FUZZ_DIR)/*/lib/*.d $(FUZZ_DIR)/*/tests/fuzz/*.d)
