# Gatehouse: one non-recursive GNU Makefile.
#
#   make run    install what is missing, build, serve on http://127.0.0.1:4455
#   make test   install what is missing, build, run every test
#
# PORT=, VAR_DIR= and CONFIG= override the port, the state directory and the
# configuration file of `make run`.

-include config.mk

PORT		?= 4455
VAR_DIR		?= $(CURDIR)/var
CONFIG		?= $(VAR_DIR)/gatehouse.yml
WORKERS		?= 2

CC		?= cc
CXX		?= c++
CFLAGS		?= -O2 -g
CXXFLAGS	?= -O2 -g
WARN		 = -Wall -Wextra -Werror -Wstrict-prototypes \
		   -Wmissing-prototypes -Wshadow -Wpointer-arith -Wvla \
		   -Wformat=2 -Wno-format-nonliteral
PKGS		 = libcrypto fcgi libargon2 liboath libqrencode libpng jansson libcurl \
		   yaml-0.1
ALL_CFLAGS	 = -std=c11 $(WARN) $(CFLAGS) -D_DEFAULT_SOURCE -D_GNU_SOURCE \
		   -Ilib $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
ALL_CXXFLAGS	 = -std=c++11 -Wall -Wextra -Werror $(CXXFLAGS) -Ilib \
		   $(shell pkg-config --cflags libctemplate_nothreads jansson 2>/dev/null) -MMD -MP
# libcurl is opened at run time (lib/breach.c), so only its header is used.
# The other libraries are linked statically where Debian ships an archive:
# a CGI process then spends about half as long in the dynamic loader.
# LINK_STATIC=0 links everything dynamically.
LINK_STATIC	?= 1
ifeq ($(LINK_STATIC),1)
LIBS		 = -Wl,-Bstatic -lctemplate_nothreads -lfcgi -largon2 -loath \
		   -lpng16 -ljansson -lyaml -ldb-5.3 -lcrypto -lz -Wl,-Bdynamic \
		   -lqrencode -lcrypt -ldl -lpthread -lm -static-libstdc++ \
		   -static-libgcc
else
LIBS		 = $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) \
		   libctemplate_nothreads 2>/dev/null) -ldb -lcrypt -ldl -lpthread
endif

LIBSRCS		 = $(sort $(wildcard lib/*.c))
LIBOBJS		 = $(LIBSRCS:.c=.o) lib/render.o
PROG		 = cgi-bin/gatehouse.fcgi

UNITSRCS	 = $(sort $(wildcard tests/unit/test_*.c))
UNITBINS	 = $(UNITSRCS:.c=)

# The sanitizer build lives in its own object tree so both can coexist.
# gcc 12 reports a false "null format string" in vsnprintf(NULL, 0, ...)
# when the sanitizers are on, hence -Wno-format-truncation there only.
ASAN_FLAGS	 = -fsanitize=address,undefined -fno-omit-frame-pointer -O1 -g \
		   -Wno-format-truncation
ASAN_DIR	 = build/asan

ifeq ($(V),1)
Q =
else
Q = @
endif

.PHONY: all run test deps test-deps unit unit-asan e2e fuzz-replay clean \
	hdr-check lint style install

all: $(PROG)

lib/libgatehouse.a: $(LIBOBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

lib/%.o: lib/%.c
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

lib/render.o: lib/render.cc
	@echo "  CXX     $@"
	$(Q)$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

cgi-bin/%.o: cgi-bin/%.c
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(PROG): cgi-bin/gatehouse.o lib/libgatehouse.a
	@echo "  LINK    $@"
	$(Q)$(CXX) -o $@ $^ $(LIBS)

tests/unit/%.o: tests/unit/%.c
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -c -o $@ $<

tests/unit/test_%: tests/unit/test_%.o lib/libgatehouse.a
	@echo "  LINK    $@"
	$(Q)$(CXX) -o $@ $^ $(LIBS) $(shell pkg-config --libs cmocka)

# --- sanitizer build of the library and the unit tests --------------------

ASAN_LIBOBJS	 = $(patsubst %.o,$(ASAN_DIR)/%.o,$(LIBOBJS))
ASAN_UNITBINS	 = $(patsubst %,$(ASAN_DIR)/%,$(UNITBINS))

$(ASAN_DIR)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(ASAN_DIR)/lib/render.o: lib/render.cc
	@mkdir -p $(dir $@)
	@echo "  CXX     $@"
	$(Q)$(CXX) $(ALL_CXXFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(ASAN_DIR)/lib/libgatehouse.a: $(ASAN_LIBOBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(ASAN_DIR)/tests/unit/test_%: tests/unit/test_%.c $(ASAN_DIR)/lib/libgatehouse.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) $(shell pkg-config --cflags cmocka) \
	    -MT $@ -c -o $@.o $<
	$(Q)$(CXX) $(ASAN_FLAGS) -o $@ $@.o $(ASAN_DIR)/lib/libgatehouse.a $(LIBS) \
	    $(shell pkg-config --libs cmocka)

# --- dependencies -----------------------------------------------------------

# Debian packages the build and `make run` need.
RUN_PKGS	 = build-essential pkg-config libfcgi-dev libfcgi-bin \
		   libctemplate-dev libdb5.3-dev db5.3-util libssl-dev \
		   libargon2-dev liboath-dev libqrencode-dev libpng-dev \
		   libjansson-dev libyaml-dev libcurl4-openssl-dev lighttpd
# ... and the ones the tests need on top.
TEST_PKGS	 = $(RUN_PKGS) libcmocka-dev oathtool zbar-tools chromium clang w3m \
		   apache2 libapache2-mod-fcgid spawn-fcgi

deps:
	$(Q)sh tests/lib/install-packages.sh $(RUN_PKGS)

test-deps:
	$(Q)sh tests/lib/install-packages.sh $(TEST_PKGS)
	$(Q)command -v node >/dev/null 2>&1 || \
	    sh tests/lib/install-packages.sh nodejs npm
	$(Q)cd tests/e2e && { [ node_modules/.package-lock.json -nt package-lock.json ] || \
	    npm ci --no-audit --no-fund --loglevel=error; }

# --- running ----------------------------------------------------------------

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)mkdir -p $(VAR_DIR) && chmod 700 $(VAR_DIR)
	$(Q)[ -f $(CONFIG) ] || ./$(PROG) init-config $(CONFIG) \
	    --base-url http://127.0.0.1:$(PORT)/ --state-dir $(VAR_DIR) \
	    --templates-dir $(CURDIR)/templates \
	    --schema $(CURDIR)/etc/identity.schema.json
	$(Q)./$(PROG) check-config $(CONFIG)
	@echo "Gatehouse on http://127.0.0.1:$(PORT)/ (state in $(VAR_DIR)); Ctrl-C stops it."
	$(Q)GATEHOUSE_ROOT=$(CURDIR) PORT=$(PORT) VAR_DIR=$(VAR_DIR) \
	    CONFIG=$(abspath $(CONFIG)) WORKERS=$(WORKERS) \
	    lighttpd -D -f lighttpd.conf

# --- installing (no root needed) ---------------------------------------------
#
#   make install PREFIX=$HOME/gatehouse [DESTDIR=/tmp/stage]
#
# PREFIX gets the same layout as the checkout, so GATEHOUSE_ROOT=$(PREFIX)
# works with lighttpd.conf: cgi-bin/gatehouse.fcgi (and gatehouse.cgi, the
# same program for CGI), templates/, static/, etc/ (identity schema, an
# example configuration, Apache and nginx examples), lighttpd.conf, and an
# empty state directory var/ (mode 0700).  Nothing outside PREFIX is
# touched; an existing var/ and gatehouse.yml are left as they are.

PREFIX		?= $(HOME)/gatehouse
INSTDIR		 = $(DESTDIR)$(PREFIX)

install: $(PROG)
	$(Q)install -d -m 755 $(INSTDIR)/cgi-bin $(INSTDIR)/templates \
	    $(INSTDIR)/etc/apache $(INSTDIR)/etc/nginx
	$(Q)install -m 755 $(PROG) $(INSTDIR)/cgi-bin/gatehouse.fcgi
	$(Q)ln -sf gatehouse.fcgi $(INSTDIR)/cgi-bin/gatehouse.cgi
	$(Q)install -m 644 templates/*.tpl $(INSTDIR)/templates/
	$(Q)for f in $$(cd static && find . -type f); do \
	    install -D -m 644 static/$$f $(INSTDIR)/static/$$f || exit 1; done
	$(Q)install -m 644 etc/identity.schema.json etc/gatehouse.example.yml \
	    $(INSTDIR)/etc/
	$(Q)install -m 644 etc/apache/* $(INSTDIR)/etc/apache/
	$(Q)install -m 644 etc/nginx/* $(INSTDIR)/etc/nginx/
	$(Q)install -m 644 lighttpd.conf $(INSTDIR)/lighttpd.conf
	$(Q)[ -d $(INSTDIR)/var ] || install -d -m 700 $(INSTDIR)/var
	@echo "Installed in $(INSTDIR).  Next, write a configuration:"
	@echo "  $(PREFIX)/cgi-bin/gatehouse.fcgi init-config $(PREFIX)/gatehouse.yml \\"
	@echo "      --base-url https://example.org/account/ --state-dir $(PREFIX)/var \\"
	@echo "      --templates-dir $(PREFIX)/templates --schema $(PREFIX)/etc/identity.schema.json"
	@echo "and see README.md, \"Deploy\"."

# --- tests ------------------------------------------------------------------

test: test-deps
	$(Q)$(MAKE) --no-print-directory all $(UNITBINS) $(ASAN_UNITBINS)
	$(Q)$(MAKE) --no-print-directory -k unit unit-asan fuzz-replay e2e

unit: $(UNITBINS)
	$(Q)sh tests/lib/run-unit.sh $(UNITBINS)

unit-asan: $(ASAN_UNITBINS)
	$(Q)ASAN_OPTIONS=detect_leaks=1 sh tests/lib/run-unit.sh $(ASAN_UNITBINS)

e2e: all
	$(Q)cd tests/e2e && node --test --test-concurrency=1 \
	    --test-reporter=spec --test-reporter-destination=stdout

hdr-check:
	$(Q)for h in lib/*.h; do \
	    printf '#include "%s"\n' $$h | $(CC) $(ALL_CFLAGS) -MMD -fsyntax-only -x c - \
	    || exit 1; done

clean:
	rm -rf lib/*.o lib/*.d lib/*.a cgi-bin/*.o cgi-bin/*.d $(PROG) \
	    tests/unit/*.o tests/unit/*.d $(UNITBINS) build -- -.d

-include $(wildcard lib/*.d cgi-bin/*.d tests/unit/*.d) \
	$(wildcard $(ASAN_DIR)/lib/*.d $(ASAN_DIR)/tests/unit/*.d)

# Fuzz targets (libFuzzer, clang): `make fuzz` runs each for a bounded time,
# `make fuzz-replay` (part of `make test`) replays each saved corpus.
-include tests/fuzz/fuzz.mk

# Benchmarks, not part of `make test`: `make bench` builds an optimised
# copy, measures Gatehouse against its references and writes
# bench/results.md (bench/run.sh; about 15 minutes).
.PHONY: bench
bench:
	$(Q)sh bench/run.sh
