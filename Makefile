# mailbench — plain GNU Makefile, no configure step (see STYLE.md §8).
# make · make run · make check · make layers · make bench · make fuzz · make fuzz-long · make style · make install

CC	?= cc
PKG_CONFIG ?= pkg-config
PREFIX	?= /usr/local
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 8

WARN	= -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes
BASE	= -std=c17 -D_DEFAULT_SOURCE -I. $(WARN) -MMD -MP
CFLAGS	?= -g -O2
SAN	= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SSL_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags openssl 2>/dev/null)
SSL_LIBS	:= $(shell $(PKG_CONFIG) --libs openssl 2>/dev/null || echo -lssl -lcrypto)
CURSES_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS	:= $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)

BASE_SRC  := $(sort $(wildcard base/*.c))
PROTO_SRC := $(sort $(wildcard proto/*.c))
NET_SRC   := $(sort $(wildcard net/*.c))
LAB_SRC   := $(sort $(wildcard lab/*.c))
FRONT_SRC := $(sort $(wildcard front/*.c))
UI_SRC    := $(sort $(wildcard ui/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test-*.c))
NETT_SRC  := $(sort $(wildcard tests/net/test-*.c))
# fuzz-lab.c is one source built twice, once per service (below).
FUZZ_SRC  := $(filter-out tests/fuzz/fuzz-lab.c,$(sort $(wildcard tests/fuzz/fuzz-*.c)))

obj = $(patsubst %.c,$(1)/%.o,$(2))

all: deps mailbench

# Install missing Debian packages (as root) or say exactly what to run.
deps:
	@scripts/install-deps --build

mailbench: build/mailbench
	@cp build/mailbench $@.tmp && mv -f $@.tmp $@

# ---- normal build -------------------------------------------------------
build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(CFLAGS) $(SSL_CFLAGS) $(CURSES_CFLAGS) -c $< -o $@

# One archive per layer (STYLE.md §1): base < proto, net < lab, front < ui.
LAYERS = base proto net lab front ui
define layer_lib
$(1)/lib$(2).a: $$(call obj,$(1),$$($(shell echo $(2) | tr a-z A-Z)_SRC))
	@rm -f $$@; ar rcs $$@ $$^
endef
$(foreach d,build build-asan build-fuzz,$(foreach l,$(LAYERS),$(eval $(call layer_lib,$(d),$(l)))))

LIBS_ALL = build/libui.a build/libfront.a build/liblab.a build/libnet.a build/libproto.a build/libbase.a
build/mailbench: build/main.o $(LIBS_ALL)
	$(CC) $(CFLAGS) -o $@ build/main.o $(LIBS_ALL) $(SSL_LIBS) $(CURSES_LIBS) -lm

# ---- sanitizer build for unit tests ---------------------------------------
build-asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE) -g -O1 $(SAN) $(SSL_CFLAGS) $(CURSES_CFLAGS) -c $< -o $@

ASAN_LIBS = build-asan/libui.a build-asan/libfront.a build-asan/liblab.a build-asan/libnet.a build-asan/libproto.a build-asan/libbase.a
# The whole program under the sanitizers: the hostile-peer tests run it too.
build-asan/mailbench: build-asan/main.o $(ASAN_LIBS)
	$(CC) $(SAN) -o $@ build-asan/main.o $(ASAN_LIBS) $(SSL_LIBS) $(CURSES_LIBS) -lm

# Unit tests link against libproto.a alone: a socket, TLS or curses call
# in proto/ fails to link here (the layering check of STYLE.md §1).
build-asan/tests/unit/%: build-asan/tests/unit/%.o build-asan/tests/unit/harness.o build-asan/libproto.a build-asan/libbase.a
	$(CC) $(SAN) -o $@ $^
# The Python compat32 emulation the rfc2047 tests and fuzzer compare with.
build-asan/tests/unit/test-rfc2047: build-asan/tests/unit/test-rfc2047.o build-asan/tests/unit/harness.o build-asan/tests/unit/rfc2047-compat32.o build-asan/libproto.a build-asan/libbase.a
	$(CC) $(SAN) -o $@ $^
build-asan/tests/net/%: build-asan/tests/net/%.o build-asan/tests/unit/harness.o build-asan/libnet.a build-asan/libproto.a build-asan/libbase.a
	$(CC) $(SAN) -o $@ $^ $(SSL_LIBS)

# Tests of the front-end layer link libfront.a (no test includes a .c
# file) and no curses.
FRONT_TEST_LIBS = build-asan/libfront.a build-asan/libnet.a build-asan/libproto.a build-asan/libbase.a
build-asan/tests/unit/test-ui build-asan/tests/unit/test-wbcmd: build-asan/tests/unit/%: build-asan/tests/unit/%.o build-asan/tests/unit/harness.o $(FRONT_TEST_LIBS)
	$(CC) $(SAN) -o $@ $^ $(SSL_LIBS)
build-asan/tests/net/test-driver build-asan/tests/net/test-url: build-asan/tests/net/%: build-asan/tests/net/%.o build-asan/tests/unit/harness.o $(FRONT_TEST_LIBS)
	$(CC) $(SAN) -o $@ $^ $(SSL_LIBS)

UNIT_BIN := $(patsubst %.c,build-asan/%,$(UNIT_SRC)) $(patsubst %.c,build-asan/%,$(NETT_SRC))

unit: $(UNIT_BIN)
	@tests/run-unit $(UNIT_BIN)

# ---- fuzzing (clang libFuzzer) ---------------------------------------------
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined
# Targets run FUZZ_JOBS at a time (the 2 cores of CI).
FUZZ_JOBS ?= 2
# make fuzz-long: FUZZ_SECONDS per target as given, else 600.
FUZZ_LONG_SECONDS = $(if $(filter command line environment,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),600)
build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE) $(FUZZ_FLAGS) $(SSL_CFLAGS) $(CURSES_CFLAGS) -c $< -o $@
build-fuzz/tests/fuzz/%: build-fuzz/tests/fuzz/%.o build-fuzz/libproto.a build-fuzz/libbase.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^
build-fuzz/tests/fuzz/fuzz-rfc2047: build-fuzz/tests/fuzz/fuzz-rfc2047.o build-fuzz/tests/unit/rfc2047-compat32.o build-fuzz/libproto.a build-fuzz/libbase.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^
# URL parsing lives in the front-end layer but needs only proto/.
build-fuzz/tests/fuzz/fuzz-url: build-fuzz/tests/fuzz/fuzz-url.o build-fuzz/front/url.o build-fuzz/libproto.a build-fuzz/libbase.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^
# The lab's sessions, fed without sockets (lab_sess_detached): one source,
# tests/fuzz/fuzz-lab.c, compiled once per service.
FUZZ_LAB_BIN := build-fuzz/tests/fuzz/fuzz-lab-pop3 build-fuzz/tests/fuzz/fuzz-lab-smtp
$(FUZZ_LAB_BIN:=.o): build-fuzz/tests/fuzz/fuzz-lab-%.o: tests/fuzz/fuzz-lab.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE) $(FUZZ_FLAGS) $(SSL_CFLAGS) -DFUZZ_LAB_SERVICE=LAB_$(if $(filter pop3,$*),POP3,SMTP) -c $< -o $@
$(FUZZ_LAB_BIN): build-fuzz/tests/fuzz/fuzz-lab-%: build-fuzz/tests/fuzz/fuzz-lab-%.o build-fuzz/liblab.a build-fuzz/libnet.a build-fuzz/libproto.a build-fuzz/libbase.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(SSL_LIBS)
FUZZ_BIN := $(patsubst %.c,build-fuzz/%,$(FUZZ_SRC)) $(FUZZ_LAB_BIN)

fuzz: deps
	@scripts/install-deps --test
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_BIN)
fuzz-long: deps
	@scripts/install-deps --test
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run $(FUZZ_LONG_SECONDS) $(FUZZ_BIN)
fuzz-check: $(FUZZ_BIN)
	@FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run $(FUZZ_CHECK_SECONDS) $(FUZZ_BIN)

# ---- clang: the same warnings must hold on clang as on gcc ------------------
ALL_SRC := main.c $(BASE_SRC) $(PROTO_SRC) $(NET_SRC) $(LAB_SRC) $(FRONT_SRC) $(UI_SRC)
build-clang/%.ok: %.c
	@mkdir -p $(dir $@)
	clang $(BASE) -fsyntax-only $(SSL_CFLAGS) $(CURSES_CFLAGS) $< -MF $(@:.ok=.d) -MT $@
	@touch $@
clang-check: $(patsubst %.c,build-clang/%.ok,$(ALL_SRC))

# ---- top-level targets ------------------------------------------------------
run: all
	./mailbench --lab

# Each layer includes only the layers it may use (STYLE.md §1), and no
# file includes a .c file: scripts/layers says which file and include.
layers:
	@scripts/layers

check: all
	@scripts/layers
	@scripts/install-deps --test
	@$(MAKE) --no-print-directory clang-check $(UNIT_BIN) $(FUZZ_BIN) build-asan/mailbench
	@tests/run-all

bench: all
	@scripts/install-deps --bench
	@tests/bench/run

style:
	@scripts/style

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 mailbench $(DESTDIR)$(PREFIX)/bin/mailbench
	install -m 644 mailbench.1 $(DESTDIR)$(PREFIX)/share/man/man1/mailbench.1

clean:
	rm -rf build build-asan build-fuzz build-clang build-bench mailbench mailbench.tmp tests/tmp

.PHONY: all deps run check layers unit fuzz fuzz-long fuzz-check clang-check bench style install clean
.SECONDARY:

-include $(shell find build build-asan build-fuzz build-clang -name '*.d' 2>/dev/null)
