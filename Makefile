# sockfam: one non-recursive Makefile.
#
#   make          every program into bin/
#   make demo     install what is missing, build, run the main demo
#   make test     build and run the Criterion tests
#   make bench    the servers' speed per family and model, beside a bare C floor and Python's socketserver (about 5 min)
#   make deps     install the Debian packages a fresh machine lacks
#   make install  bin/* into $(DESTDIR)$(PREFIX)/bin, man/ into $(DESTDIR)$(MANDIR), exercises/ into share/sockfam
#   make uninstall  what make install put there
#   make man      every man page again (English and Chinese) from man/src/ and the programs' --help
#   make pot      the message catalog's template again, merged into po/LANG.po
#   make clean
#
# Sources are found by directory: common/ and families/ make the library,
# each demos/NAME.c is the program bin/NAME, and so is each folder demos/NAME/
# (a program of several files: main() in main.c, the other files archived in
# build/demos/libNAME.a, which the tests link too); tests/tool_*.c are helper
# programs for the tests and every other tests/*.c is linked into one
# Criterion runner.

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
VERSION := $(shell cat VERSION)
CC ?= cc
PKG_CONFIG ?= pkg-config

# The Debian packages the build, the tests and the demos need (one list,
# shared with CI).
DEB_PACKAGES := $(shell cat .ci/packages)
BENCH_PACKAGES := $(shell cat .ci/bench-packages)

MNL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmnl 2>/dev/null)
MNL_LIBS := $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null || echo -lmnl)
CRIT_CFLAGS := $(shell $(PKG_CONFIG) --cflags criterion 2>/dev/null)
CRIT_LIBS := $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null || echo -lcriterion)

# CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are the user's (`make CFLAGS=-O0`
# replaces only the optimisation); what the project needs to build at all is
# in the SF_ variables, which every rule adds whatever the command line says.
CFLAGS ?= -O2 -g
SF_CFLAGS := -std=gnu11 -Wall -Wextra -MMD -MP -pthread
SF_LDFLAGS := -pthread -Wl,-z,now
SF_CPPFLAGS := $(MNL_CFLAGS)
SF_LIBS := $(MNL_LIBS)
# make check-sanitize builds a copy of the tree with these (see below).
SF_CFLAGS += $(SANITIZE)
SF_LDFLAGS += $(SANITIZE)
SF_LIBS += $(SANITIZE_LIBS)

# --tls (common/tls.c) and SHA-256 for uploads (common/upload.c): OpenSSL's
# headers from Debian's libssl-dev at build time; the programs are not linked
# with it: a run that needs it dlopen()s libssl3's libraries (common/ossl.h),
# so every other run (and each fork() of its server) is without them.
# dlopen is in glibc's libc since 2.34.
SSL_CFLAGS := $(shell $(PKG_CONFIG) --cflags openssl 2>/dev/null)
SF_CPPFLAGS += $(SSL_CFLAGS)

COMPILE = $(CC) $(SF_CPPFLAGS) $(CPPFLAGS) $(SF_CFLAGS) $(CFLAGS)
LINK = $(CC) $(SF_LDFLAGS) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard common/*.c families/*.c))
LIB_OBJ := $(LIB_SRC:%.c=build/%.o)
LIB := build/libsockfam.a
# The library's member list: the archive is remade when a file comes or goes.
LIB_LIST := build/libsockfam.list
$(shell mkdir -p build && { echo '$(LIB_OBJ)' | cmp -s - $(LIB_LIST) || echo '$(LIB_OBJ)' > $(LIB_LIST); })

DEMO_SRC := $(sort $(wildcard demos/*.c))
DEMO_DIRS := $(sort $(patsubst demos/%/,%,$(dir $(wildcard demos/*/*.c))))
DEMO_LIBS := $(DEMO_DIRS:%=build/demos/lib%.a)
PROGS := $(DEMO_SRC:demos/%.c=bin/%) $(DEMO_DIRS:%=bin/%)

TEST_SRC := $(sort $(filter-out tests/tool_% tests/shim_%,$(wildcard tests/*.c)))
TEST_OBJ := $(TEST_SRC:%.c=build/%.o)
TEST_RUNNER := build/tests/run
# the tests read the programs' English; each test that wants another language
# asks for it (--lang, LANG), whatever the language of the shell running make
TEST_LOCALE := env -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8
TOOL_SRC := $(sort $(wildcard tests/tool_*.c))
TOOLS := $(TOOL_SRC:tests/%.c=build/tests/%)
# tests/shim_*.c: LD_PRELOAD libraries the tests load into a program
SHIM_SRC := $(sort $(wildcard tests/shim_*.c))
TOOLS += $(SHIM_SRC:tests/%.c=build/tests/%.so)

# Criterion's own parallelism; each test runs in its own process.
TEST_JOBS ?= 2

# The message catalogs (common/i18n.h): po/LANG.po made into
# build/locale/LANG/LC_MESSAGES/sockfam.mo, where the programs look beside bin/.
PO := $(wildcard po/*.po)
MO := $(PO:po/%.po=build/locale/%/LC_MESSAGES/sockfam.mo)
# the sources whose messages are in the catalogs
I18N_SRC = $(sort $(shell grep -l 'i18n\.h' $(LIB_SRC) demos/*.c demos/*/*.c 2>/dev/null))

.PHONY: all demo test run-tests bench bench-deps deps install uninstall man pot clean fuzz fuzz-replay \
	check-sanitize
# Objects are kept between builds.
.SECONDARY:
all: $(PROGS) $(MO)

build/locale/%/LC_MESSAGES/sockfam.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# po/sockfam.pot again from the sources, and each po/LANG.po merged with it
# (a new message then waits in LANG.po for its translation; a test fails until it has one).
pot:
	xgettext --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --from-code=UTF-8 --no-location --sort-output \
	  --package-name=sockfam --package-version=$(VERSION) --msgid-bugs-address= -o po/sockfam.pot $(I18N_SRC)
	for po in $(PO); do msgmerge --quiet --update --backup=none --no-location --sort-output $$po po/sockfam.pot; done

build/%.o: %.c
	@mkdir -p $(@D)
	$(COMPILE) -c -o $@ $<

$(LIB): $(LIB_OBJ) $(LIB_LIST) $(SANITIZE_LIBS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

bin/%: build/demos/%.o $(LIB)
	@mkdir -p $(@D)
	$(LINK) -o $@ $< $(LIB) $(SF_LIBS) $(LDLIBS)

# demos/NAME/: bin/NAME is main.o with the folder's archive and the library.
define demo_dir
build/demos/lib$(1).a: $$(patsubst %.c,build/%.o,$$(filter-out demos/$(1)/main.c,$$(wildcard demos/$(1)/*.c)))
	@mkdir -p $$(@D)
	rm -f $$@
	$$(AR) rcs $$@ $$^

bin/$(1): build/demos/$(1)/main.o build/demos/lib$(1).a $$(LIB)
	@mkdir -p $$(@D)
	$$(LINK) -o $$@ $$< build/demos/lib$(1).a $$(LIB) $$(SF_LIBS) $$(LDLIBS)
endef
$(foreach d,$(DEMO_DIRS),$(eval $(call demo_dir,$(d))))

build/tests/%.o: SF_CPPFLAGS += $(CRIT_CFLAGS)
$(TEST_RUNNER): $(TEST_OBJ) $(DEMO_LIBS) $(LIB)
	@mkdir -p $(@D)
	$(LINK) -o $@ $(TEST_OBJ) $(DEMO_LIBS) $(LIB) $(SF_LIBS) $(CRIT_LIBS) $(LDLIBS)

build/tests/shim_%.so: tests/shim_%.c
	@mkdir -p $(@D)
	$(COMPILE) -fPIC -shared $(SF_LDFLAGS) $(LDFLAGS) -o $@ $< -ldl

build/tests/tool_%: build/tests/tool_%.o $(LIB)
	@mkdir -p $(@D)
	$(LINK) -o $@ $< $(LIB) $(SF_LIBS) $(LDLIBS)

# Like make demo, make test first installs what is missing (Criterion's
# headers, strace...); the tests are then built by a second make, which looks
# the libraries up again now that they are there.
test: deps
	@$(MAKE) --no-print-directory run-tests

# The runner runs under tests/tool_subreap.c: a process a test leaves behind
# comes to it instead of init, and is named, killed and counted as a failure
# when the run ends (and cannot hold the run's output open after it).
SUBREAP := $(CURDIR)/build/tests/tool_subreap --
run-tests: all $(TEST_RUNNER) $(TOOLS) fuzz-replay
	$(SUBREAP) $(TEST_LOCALE) $(TEST_RUNNER) --jobs=$(TEST_JOBS) --short-filename

# ---- fuzzing (tests/fuzz/) ------------------------------------------------------------
#
# tests/fuzz/fuzz_NAME.c is a libFuzzer harness for one parser of bytes from
# outside, tests/fuzz/corpus/NAME/ its seeds and the inputs that once crashed
# it (crash-*: regression inputs).
#   make test            replays every corpus once through each harness (plain build)
#   make fuzz            runs each harness FUZZ_SECONDS seconds under libFuzzer with
#                        ASan and UBSan (clang); any crash, leak or timeout fails it
#                        and leaves the input in build/fuzz/crash-NAME-*
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 -std=gnu11 -Wall -Wextra -Wno-gnu-variable-sized-type-not-at-end -MMD -MP -pthread $(FUZZ_SAN)
FUZZ_NAMES := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_REPLAYS := $(FUZZ_NAMES:%=build/fuzz/replay/fuzz_%)
FUZZ_BINS := $(FUZZ_NAMES:%=build/fuzz/bin/fuzz_%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_LIB := build/fuzz/libsockfam.a

build/fuzz/replay/fuzz_%: build/tests/fuzz/fuzz_%.o build/tests/fuzz/replay.o $(LIB)
	@mkdir -p $(@D)
	$(LINK) -o $@ $^ $(SF_LIBS) $(LDLIBS)

fuzz-replay: $(FUZZ_REPLAYS)
	@for f in $(FUZZ_NAMES); do build/fuzz/replay/fuzz_$$f tests/fuzz/corpus/$$f || exit 1; done

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(SF_CPPFLAGS) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/obj/common/cli.o: CPPFLAGS += -DSOCKFAM_VERSION='"$(VERSION)"'

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

build/fuzz/bin/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(SF_LIBS) $(LDLIBS)

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_NAMES); do \
	  mkdir -p build/fuzz/corpus/$$f; \
	  echo "== fuzz_$$f: $(FUZZ_SECONDS) s"; \
	  build/fuzz/bin/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -close_fd_mask=1 -print_final_stats=1 -artifact_prefix=build/fuzz/crash-$$f- \
	    build/fuzz/corpus/$$f tests/fuzz/corpus/$$f 2>build/fuzz/fuzz_$$f.log \
	    || { tail -n 60 build/fuzz/fuzz_$$f.log; echo "fuzz_$$f FAILED: the input is build/fuzz/crash-$$f-*"; exit 1; }; \
	  grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done )' build/fuzz/fuzz_$$f.log; \
	done

# ---- the suite under sanitizers -------------------------------------------------------
#
# make check-sanitize: the whole Criterion suite (and the corpus replays) with every
# program, tool and the runner built with ASan+UBSan, LeakSanitizer on; then
# the tests of the threaded models with ThreadSanitizer (the programs only: Criterion's
# runner cannot run under it, so the normal runner runs them). Each build is a copy of
# the tree made of links (build/sanitize/asan, build/sanitize/tsan) with its own
# build/ and bin/, so the normal build is not touched. LeakSanitizer cannot run
# under ptrace: every program of the ASan build is linked with tests/san/lsan_hook.c,
# which skips the leak check in a process that strace traces, and only there.
SAN_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
SAN_TSAN := -fsanitize=thread
SAN_ENV_ASAN := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
SAN_ENV_TSAN := TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
# Every test under ASan but one: it checks that a program reads nothing under /proc
# without -y, and the sanitizer's runtime reads /proc/self/maps at every start.
ASAN_TESTS ?= !(fdview/no_proc_read_without_the_options)
# The tests where threads serve clients: every model's tests, and the services' ones
# that run under --model thread and prethread; but not those that compare a
# threaded server with strace -f (their names say strace): ThreadSanitizer's
# helper thread is a clone the program never made, and strace shows it.
TSAN_TESTS ?= @(models|chat|cmd|upload|tls)/!(*strace*)

define san_tree
	@mkdir -p build/sanitize/$(1)
	@for e in $$(ls -A | grep -v -x -e build -e bin -e .git); do ln -sfn ../../../$$e build/sanitize/$(1)/$$e; done
endef

check-sanitize: build/tests/tool_subreap
	$(call san_tree,asan)
	$(MAKE) -C build/sanitize/asan SANITIZE="$(SAN_ASAN)" SANITIZE_LIBS=build/tests/san/lsan_hook.o \
	  build/tests/san/lsan_hook.o
	cd build/sanitize/asan && $(SAN_ENV_ASAN) $(MAKE) SANITIZE="$(SAN_ASAN)" \
	  SANITIZE_LIBS=build/tests/san/lsan_hook.o all build/tests/run $(TOOLS) fuzz-replay
	cd build/sanitize/asan && $(SUBREAP) $(TEST_LOCALE) $(SAN_ENV_ASAN) build/tests/run --jobs=$(TEST_JOBS) --short-filename \
	  --filter '$(ASAN_TESTS)'
	$(call san_tree,tsan)
	$(MAKE) $(TEST_RUNNER)
	$(MAKE) -C build/sanitize/tsan SANITIZE="$(SAN_TSAN)" SANITIZE_LIBS=build/tests/san/tsan_start.o \
	  build/tests/san/tsan_start.o
	$(MAKE) -C build/sanitize/tsan SANITIZE="$(SAN_TSAN)" SANITIZE_LIBS=build/tests/san/tsan_start.o \
	  all $(TOOLS)
	cd build/sanitize/tsan && $(SUBREAP) $(TEST_LOCALE) $(SAN_ENV_TSAN) $(CURDIR)/$(TEST_RUNNER) --jobs=$(TEST_JOBS) \
	  --short-filename --filter '$(TSAN_TESTS)'

# Speed is measured here, never asserted by a test.
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_TOOLS := $(BENCH_SRC:tests/bench/%.c=build/bench/%)

# make bench's load generator and floor server: plain libc, no library.
build/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(COMPILE) $(SF_LDFLAGS) $(LDFLAGS) -o $@ $<

bench: all bench-deps $(BENCH_TOOLS)
	@sh demos/bench.sh

# The reference tools make bench sets our figures beside (not needed by the tests).
bench-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(BENCH_PACKAGES)"

demo: deps all
	@sh demos/demo.sh

# Installs only what is missing; needs root (or sudo) the first time.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends $$missing; \
	fi

# --version prints VERSION
build/common/cli.o: CPPFLAGS += -DSOCKFAM_VERSION='"$(VERSION)"'
build/common/cli.o: VERSION

# The name a program is installed under: FAMILY-ROLE programs keep theirs,
# the others get sockfam- in front (ImageMagick installs a compare of its
# own); man/mkman.py's installed_name() says the same.
inst_name = $(if $(findstring -,$(1)),$(1),sockfam-$(1))
MAN7 := $(wildcard man/*.7)
# the pages in Chinese: man/zh_CN/NAME.1 (made by make man from
# man/src/zh_CN/NAME.1.in and bin/NAME --lang zh_CN --help) and sockfam.7,
# installed under $(MANDIR)/zh_CN, where man looks when LANG is zh_CN
ZH_MAN7 := $(wildcard man/zh_CN/*.7)
ZH_MANDIR = $(DESTDIR)$(MANDIR)/zh_CN
# bin/exercise's exercises, where it looks for them beside an installed bin/
EXERCISES := $(wildcard exercises/*.txt exercises/README.md)
EXDIR := $(PREFIX)/share/sockfam/exercises
LOCALEDIR ?= $(PREFIX)/share/locale

# Every program in bin/, each with its page man/NAME.1 (made by make man;
# a test fails for a program without one), and the overview pages.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	$(foreach p,$(PROGS:bin/%=%),install -m 755 bin/$(p) $(DESTDIR)$(PREFIX)/bin/$(call inst_name,$(p)) && \
	  install -m 644 man/$(p).1 $(DESTDIR)$(MANDIR)/man1/$(call inst_name,$(p)).1 && ) true
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	install -d $(ZH_MANDIR)/man1 $(ZH_MANDIR)/man7
	$(foreach p,$(PROGS:bin/%=%),install -m 644 man/zh_CN/$(p).1 $(ZH_MANDIR)/man1/$(call inst_name,$(p)).1 && ) true
	install -m 644 $(ZH_MAN7) $(ZH_MANDIR)/man7/
	install -d $(DESTDIR)$(EXDIR)
	install -m 644 $(EXERCISES) $(DESTDIR)$(EXDIR)/
	$(foreach m,$(MO),install -d $(DESTDIR)$(LOCALEDIR)/$(word 3,$(subst /, ,$(m)))/LC_MESSAGES && \
	  install -m 644 $(m) $(DESTDIR)$(LOCALEDIR)/$(word 3,$(subst /, ,$(m)))/LC_MESSAGES/sockfam.mo && ) true

uninstall:
	rm -f $(foreach p,$(PROGS:bin/%=%),$(DESTDIR)$(PREFIX)/bin/$(call inst_name,$(p)) \
	      $(DESTDIR)$(MANDIR)/man1/$(call inst_name,$(p)).1) \
	      $(MAN7:man/%=$(DESTDIR)$(MANDIR)/man7/%) $(EXERCISES:exercises/%=$(DESTDIR)$(EXDIR)/%)
	rm -f $(foreach p,$(PROGS:bin/%=%),$(ZH_MANDIR)/man1/$(call inst_name,$(p)).1) \
	      $(ZH_MAN7:man/zh_CN/%=$(ZH_MANDIR)/man7/%)
	rm -f $(foreach m,$(MO),$(DESTDIR)$(LOCALEDIR)/$(word 3,$(subst /, ,$(m)))/LC_MESSAGES/sockfam.mo)
	-rmdir $(DESTDIR)$(EXDIR) $(DESTDIR)$(PREFIX)/share/sockfam 2>/dev/null
	-rmdir $(ZH_MANDIR)/man1 $(ZH_MANDIR)/man7 $(ZH_MANDIR) 2>/dev/null

# Each page again from man/src/NAME.1.in and bin/NAME --help (python3), and
# in Chinese from man/src/zh_CN/NAME.1.in and bin/NAME --lang zh_CN --help.
man: all
	@set -e; for p in $(PROGS:bin/%=%); do \
	  test -f man/src/$$p.1.in || { echo "man/src/$$p.1.in: missing (bin/$$p has no man page)"; exit 1; }; \
	  test -f man/src/zh_CN/$$p.1.in || { echo "man/src/zh_CN/$$p.1.in: missing (bin/$$p has no Chinese man page)"; exit 1; }; \
	  python3 man/mkman.py man/src/$$p.1.in bin/$$p $(VERSION) > man/$$p.1.tmp && mv man/$$p.1.tmp man/$$p.1; \
	  python3 man/mkman.py --lang zh_CN man/src/zh_CN/$$p.1.in bin/$$p $(VERSION) > man/zh_CN/$$p.1.tmp && \
	    mv man/zh_CN/$$p.1.tmp man/zh_CN/$$p.1; \
	done

clean:
	rm -rf build bin

-include $(wildcard build/*/*.d build/*/*/*.d build/fuzz/obj/*/*.d build/fuzz/obj/*/*/*.d)
