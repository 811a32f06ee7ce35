# sockfam: one non-recursive Makefile.
#
#   make          every program into bin/
#   make demo     install what is missing, build, run the main demo
#   make test     build and run the Criterion tests
#   make bench    the servers' speed per family and model, beside a bare C floor and Python's socketserver (about 5 min)
#   make deps     install the Debian packages a fresh machine lacks
#   make install  bin/* into $(DESTDIR)$(PREFIX)/bin
#   make clean
#
# Sources are found by directory: common/ and families/ make the library,
# each demos/NAME.c is the program bin/NAME, and so is each folder demos/NAME/
# (a program of several files: main() in main.c, the other files archived in
# build/demos/libNAME.a, which the tests link too); tests/tool_*.c are helper
# programs for the tests and every other tests/*.c is linked into one
# Criterion runner.

PREFIX ?= /usr/local
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
CRYPTO_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcrypto 2>/dev/null)
CRYPTO_LIBS := $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null || echo -lcrypto)

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -MMD -MP -pthread
LDFLAGS += -pthread
# make check-sanitize builds a copy of the tree with these (see below).
CFLAGS += $(SANITIZE)
LDFLAGS += $(SANITIZE)
LDLIBS += $(SANITIZE_LIBS)
CPPFLAGS += $(MNL_CFLAGS) $(CRYPTO_CFLAGS)
LDLIBS += $(MNL_LIBS) $(CRYPTO_LIBS)

# --tls (common/tls.c): OpenSSL's libssl, from Debian's libssl-dev
SSL_CFLAGS := $(shell $(PKG_CONFIG) --cflags openssl 2>/dev/null)
SSL_LIBS := $(shell $(PKG_CONFIG) --libs openssl 2>/dev/null || echo -lssl -lcrypto)
CPPFLAGS += $(SSL_CFLAGS)
LDLIBS += $(SSL_LIBS)

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

TEST_SRC := $(sort $(filter-out tests/tool_%,$(wildcard tests/*.c)))
TEST_OBJ := $(TEST_SRC:%.c=build/%.o)
TEST_RUNNER := build/tests/run
TOOL_SRC := $(sort $(wildcard tests/tool_*.c))
TOOLS := $(TOOL_SRC:tests/%.c=build/tests/%)

# Criterion's own parallelism; each test runs in its own process.
TEST_JOBS ?= 2

.PHONY: all demo test bench bench-deps deps install clean fuzz fuzz-replay check-sanitize
# Objects are kept between builds.
.SECONDARY:
all: $(PROGS)

build/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ) $(LIB_LIST) $(SANITIZE_LIBS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

bin/%: build/demos/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# demos/NAME/: bin/NAME is main.o with the folder's archive and the library.
define demo_dir
build/demos/lib$(1).a: $$(patsubst %.c,build/%.o,$$(filter-out demos/$(1)/main.c,$$(wildcard demos/$(1)/*.c)))
	@mkdir -p $$(@D)
	rm -f $$@
	$$(AR) rcs $$@ $$^

bin/$(1): build/demos/$(1)/main.o build/demos/lib$(1).a $$(LIB)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< build/demos/lib$(1).a $$(LIB) $$(LDLIBS)
endef
$(foreach d,$(DEMO_DIRS),$(eval $(call demo_dir,$(d))))

build/tests/%.o: CPPFLAGS += $(CRIT_CFLAGS)
$(TEST_RUNNER): $(TEST_OBJ) $(DEMO_LIBS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(DEMO_LIBS) $(LIB) $(LDLIBS) $(CRIT_LIBS)

build/tests/tool_%: build/tests/tool_%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

test: all $(TEST_RUNNER) $(TOOLS) fuzz-replay
	$(TEST_RUNNER) --jobs=$(TEST_JOBS) --short-filename

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
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-replay: $(FUZZ_REPLAYS)
	@for f in $(FUZZ_NAMES); do build/fuzz/replay/fuzz_$$f tests/fuzz/corpus/$$f || exit 1; done

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

build/fuzz/bin/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

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
# The tests where threads serve clients: every model's tests, and the services' ones
# that run under --model thread and prethread; but not the two that compare a
# threaded server with strace -ff: ThreadSanitizer's helper thread is a clone
# the program never made, and strace shows it.
TSAN_TESTS ?= @(models|chat|cmd|upload|tls)/!(trace_equals_strace_f|trace_shows_the_records_and_equals_strace)

define san_tree
	@mkdir -p build/sanitize/$(1)
	@for e in $$(ls -A | grep -v -x -e build -e bin -e .git); do ln -sfn ../../../$$e build/sanitize/$(1)/$$e; done
endef

check-sanitize:
	$(call san_tree,asan)
	$(MAKE) -C build/sanitize/asan SANITIZE="$(SAN_ASAN)" SANITIZE_LIBS=build/tests/san/lsan_hook.o \
	  build/tests/san/lsan_hook.o
	$(MAKE) -C build/sanitize/asan SANITIZE="$(SAN_ASAN)" SANITIZE_LIBS=build/tests/san/lsan_hook.o \
	  all build/tests/run $(TOOLS) $(FUZZ_REPLAYS)
	cd build/sanitize/asan && $(SAN_ENV_ASAN) $(MAKE) SANITIZE="$(SAN_ASAN)" \
	  SANITIZE_LIBS=build/tests/san/lsan_hook.o test
	$(call san_tree,tsan)
	$(MAKE) $(TEST_RUNNER)
	$(MAKE) -C build/sanitize/tsan SANITIZE="$(SAN_TSAN)" SANITIZE_LIBS=build/tests/san/tsan_start.o \
	  build/tests/san/tsan_start.o
	$(MAKE) -C build/sanitize/tsan SANITIZE="$(SAN_TSAN)" SANITIZE_LIBS=build/tests/san/tsan_start.o \
	  all $(TOOLS)
	cd build/sanitize/tsan && $(SAN_ENV_TSAN) $(CURDIR)/$(TEST_RUNNER) --jobs=$(TEST_JOBS) \
	  --short-filename --filter '$(TSAN_TESTS)'

# Speed is measured here, never asserted by a test.
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_TOOLS := $(BENCH_SRC:tests/bench/%.c=build/bench/%)

# make bench's load generator and floor server: plain libc, no library.
build/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build bin

-include $(wildcard build/*/*.d build/*/*/*.d build/fuzz/obj/*/*.d build/fuzz/obj/*/*/*.d)
