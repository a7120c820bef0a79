# auxrec build: `make`, `make check`, `make install PREFIX=...`, `make bench`, `make fuzz`.
# Sources are found by wildcard: lib/*/*.c, decoders/*.c, decoders/*/*.c form libauxrec.a,
# cmd/*.c link with it into ./auxrec, tests/unit/test_*.c become cmocka binaries and
# tests/guest/*.c become static programs that run inside the QEMU guest.

VERSION    := 0.2.0
PREFIX     ?= /usr/local
CC         ?= gcc
O          := build
CFLAGS     ?= -O2 -g
WARN       := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CPPFLAGS   += -I. -D_GNU_SOURCE -DAUXREC_VERSION='"$(VERSION)"' \
              -DAUXREC_PLUGIN_DIR='"$(PREFIX)/lib/auxrec/plugins"'
ALL_CFLAGS  = -std=gnu11 $(WARN) $(CFLAGS) -MMD -MP
# OpenCSD (with libstdc++) is not linked: decoders/cs_etm/cs_ocsd.c dlopen()s its
# C API library by the SONAME of the one installed here, on a CoreSight trace's first use.
OPENCSD_LIB := $(or $(shell objdump -p $(shell $(CC) -print-file-name=libopencsd_c_api.so) \
		 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }'),libopencsd_c_api.so.1)
CPPFLAGS   += -DAUXREC_OPENCSD_LIB='"$(OPENCSD_LIB)"'
LDLIBS     += -ldw -lelf -lunwind-generic -lunwind -llzma -lz -lzstd -ldl -lpthread -ltraceevent -liberty
# auxrec itself links these from their static archives when the -dev packages ship
# every one (Debian's do): a process then maps and faults in fewer pages at start
# (auxrec --version: 134 page faults, 5.0 ms -> 88, 3.4 ms on the AMD guest of
# docs/testing.md), which every short run (a Dask unit, a script loop) pays. libunwind's
# archives are not position-independent, so it stays shared, as libc does.
# STATIC_LIBS=0 links everything shared; tests and tools always do.
STATIC_LIBS ?= 1
STATIC_ARCHIVES := dw elf lzma z bz2 zstd traceevent iberty
ifeq ($(STATIC_LIBS),1)
ifeq ($(words $(foreach l,$(STATIC_ARCHIVES),$(filter /%,$(shell $(CC) -print-file-name=lib$(l).a)))),$(words $(STATIC_ARCHIVES)))
AUXREC_LDLIBS := -Wl,-Bstatic $(STATIC_ARCHIVES:%=-l%) -Wl,-Bdynamic \
		 -lunwind-generic -lunwind -ldl -lpthread
endif
endif
AUXREC_LDLIBS ?= $(LDLIBS)

AUXREC_BIN := auxrec

# SANITIZE=1 builds everything into build-san/ (auxrec: build-san/auxrec) so
# the normal build is left alone; `make check SANITIZE=1` tests those binaries.
ifeq ($(SANITIZE),1)
O          := build-san
AUXREC_BIN := $(O)/auxrec
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CFLAGS     += $(SAN_FLAGS)
LDFLAGS    += -fsanitize=address,undefined
endif

# `auxrec version` names the libtraceevent it was built with (the library has no call for it);
# after O is final, or build-san/cmd/version.o would go without it
$(O)/cmd/version.o: CPPFLAGS += \
	-DAUXREC_TRACEEVENT_VERSION='"$(shell pkg-config --modversion libtraceevent 2>/dev/null)"'

LIB_SRC    := $(wildcard lib/*/*.c decoders/*.c decoders/*/*.c)
CMD_SRC    := $(wildcard cmd/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
GUEST_SRC  := $(wildcard tests/guest/*.c)
TOOL_LIB_SRC := $(wildcard tests/tools/tool_*.c)
TOOL_SRC   := $(filter-out $(TOOL_LIB_SRC),$(wildcard tests/tools/*.c))
LIB_OBJ    := $(LIB_SRC:%.c=$(O)/%.o)
CMD_OBJ    := $(CMD_SRC:%.c=$(O)/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/unit/%)
GUEST_BIN  := $(GUEST_SRC:tests/guest/%.c=build/guest-bin/%)
TOOL_BIN   := $(TOOL_SRC:tests/tools/%.c=$(O)/tests/tools/%)
MANPAGES   := $(wildcard man/*.1)

.PHONY: all check unit tools deps install clean bench fuzz guest-bin demo print-san-flags FORCE
all: $(AUXREC_BIN)

ifneq ($(V),1)
Q := @
endif

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libauxrec.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# the link flags as of the last link: auxrec is linked again when they change
$(O)/link-flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(AUXREC_LDLIBS)' | cmp -s - $@ || echo '$(AUXREC_LDLIBS)' > $@

$(AUXREC_BIN): $(CMD_OBJ) $(O)/libauxrec.a $(O)/link-flags
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(O)/libauxrec.a $(AUXREC_LDLIBS)

$(O)/tests/unit/%: tests/unit/%.c $(O)/libauxrec.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(UNIT_EXTRA_$*) \
		$(O)/libauxrec.a -lcmocka $(LDLIBS)

# Unit tests of test tools compile those tools' sources with them.
UNIT_EXTRA_test_gt_step := -Itests/gt tests/gt/gt_step.c
$(O)/tests/unit/test_gt_step: tests/gt/gt_step.c tests/gt/gt_step.h

# Host-side test tools (generators, verifiers) linked with the library and
# with what they share (tests/tools/tool_*.c).
$(O)/tests/tools/%: tests/tools/%.c $(TOOL_LIB_SRC) $(TOOL_LIB_SRC:.c=.h) $(O)/libauxrec.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TOOL    $@")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TOOL_LIB_SRC) $(O)/libauxrec.a \
		$(LDLIBS)

# Programs for the guest are static so the initramfs needs no libraries for them;
# never sanitized, so always in build/guest-bin (where tests/vm/run looks).
build/guest-bin/%: tests/guest/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GUEST   $@")
	$(Q)$(CC) $(CPPFLAGS) -std=gnu11 $(WARN) -O2 -g -static -o $@ $< -lpthread

guest-bin: $(GUEST_BIN)
unit: $(UNIT_BIN)
tools: $(TOOL_BIN)

deps:
	@tests/install-deps

check: deps
	@$(MAKE) --no-print-directory all unit tools guest-bin
	@AUXREC=$(abspath $(AUXREC_BIN)) AUXREC_BUILD=$(O) AUXREC_SAN_FLAGS='$(SAN_FLAGS)' tests/run-checks

demo: deps
	@$(MAKE) --no-print-directory all guest-bin
	@tests/demo

bench: deps all tools guest-bin
	@tests/bench/run

fuzz: deps
	@tests/fuzz/run $(FUZZ_SECONDS)

install: all
	install -D -m 0755 auxrec $(DESTDIR)$(PREFIX)/bin/auxrec
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/lib/auxrec/plugins
	$(if $(MANPAGES),install -m 0644 $(MANPAGES) $(DESTDIR)$(PREFIX)/share/man/man1/)

clean:
	rm -rf $(O) $(AUXREC_BIN)

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)

# the sanitizer flags of SANITIZE=1, for tests/run-checks on a build-san/ it is handed alone
print-san-flags:
	@echo '$(SAN_FLAGS)'
