# counterd — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
# Debian packages the build needs (the design card's system packages).
BUILD_PACKAGES := libsqlite3-dev libudev-dev
# Debian packages the tests need besides those: Python for the test peers, umockdev (+ its Python
# bindings) to emulate udev devices, udev for `udevadm test` on the rules, systemd for systemd-analyze, poppler-utils to read the dashboard's printed PDF.
TEST_PACKAGES := python3 python3-venv python3-gi umockdev gir1.2-umockdev-1.0 udev systemd lintian fakeroot chromium fonts-wqy-zenhei fonts-noto-cjk espeak-ng alsa-utils \
  postgresql poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV := .venv

.PHONY: deps test-deps postgres-deps build demo demo-lan district-demo test bench fuzz fuzz-build soak clean install deb

# Installation layout (FHS). `make install` installs already-built binaries from $(BINDIR):
# `swift build -c release` first, or BINDIR=.build/debug for a test install.
PREFIX ?= /usr
SYSCONFDIR ?= /etc
DESTDIR ?=
BINDIR ?= .build/release
MANGEN ?= .build/debug/generate-manual

## Install the Debian packages the build needs, only those that are missing.
deps:
	@missing=""; for p in $(BUILD_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## What the tests need on top: Python test peers in a git-ignored virtualenv.
test-deps: deps postgres-deps
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    -o Dpkg::Options::=--force-confold $$missing; \
	fi
	@# The group the udev rules give devices to (the package's sysusers.d makes it on a real install).
	@getent group counterd >/dev/null || $(SUDO) groupadd --system counterd
	@if [ ! -x $(VENV)/bin/python ] || ! $(VENV)/bin/python -c 'import openapi_spec_validator, pymodbus, serial, importlib.util; assert importlib.util.find_spec("alphasign") and importlib.util.find_spec("websocket") and importlib.util.find_spec("escpos") and importlib.util.find_spec("openpyxl") and importlib.util.find_spec("schemathesis")' >/dev/null 2>&1; then \
	  python3 -m venv $(VENV) && $(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/requirements.txt; \
	fi

build: deps
	$(SWIFT) build

## Build, then run counterd with the demo config, a SQLite file under ./demo-data and simulated traffic.
demo: build
	@mkdir -p demo-data
	@if command -v espeak-ng >/dev/null && [ ! -f demo-data/voice/请.wav ]; then .build/debug/counterctl voice-pack demo-data/voice; fi
	.build/debug/counterd --config config/demo.toml --database demo-data/counterd.sqlite --runtime-dir demo-data/run --profiles profiles --platforms platforms --guides config/guides \
	  --voice-pack demo-data/voice --demo

## The demo on the LAN: phones can open the tickets' QR codes and the kiosk (the demo's tokens are public).
demo-lan: build
	@mkdir -p demo-data
	@addr=$$(hostname -I 2>/dev/null | awk '{print $$1}'); addr=$${addr:-127.0.0.1}; echo "demo on http://$$addr:8080 (kiosk: http://$$addr:8080/kiosk?token=demo-kiosk)"; \
	.build/debug/counterd --config config/demo.toml --database demo-data/counterd.sqlite --runtime-dir demo-data/run --profiles profiles --platforms platforms --guides config/guides \
	  --voice-pack demo-data/voice --demo --listen 0.0.0.0:8080 --public-url http://$$addr:8080

## A private PostgreSQL, counterd-district and three demo halls shipping to it (Ctrl-C stops all).
district-demo: postgres-deps build
	config/district-demo.sh

## PostgreSQL's programs without a system cluster (the district tests and demo start private ones).
postgres-deps:
	@if ! dpkg -s postgresql >/dev/null 2>&1; then \
	  [ -e /etc/postgresql-common/createcluster.conf ] || { $(SUDO) mkdir -p /etc/postgresql-common && echo "create_main_cluster = false" | $(SUDO) tee /etc/postgresql-common/createcluster.conf >/dev/null; }; \
	  echo "installing: postgresql"; $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold postgresql; \
	fi

## Install what the tests need, build everything and run the whole suite.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product generate-manual
	$(SWIFT) test --skip-build --no-parallel

## Release-built benchmark; figures go in BENCHMARKS.md.
bench: deps postgres-deps
	$(SWIFT) build -c release --product counterd
	$(SWIFT) build -c release --product counterd-district
	$(SWIFT) build -c release --product counterd-bench
	.build/release/counterd-bench

## Debian package: release binaries with the Swift runtime linked in (they run without a Swift toolchain),
## then packaging/build-deb.sh; the .deb lands in dist/. Check it with `lintian dist/*.deb`.
deb: deps
	$(SWIFT) build -c release --static-swift-stdlib --product counterd
	$(SWIFT) build -c release --static-swift-stdlib --product counterctl
	$(SWIFT) build -c release --static-swift-stdlib --product counterd-district
	packaging/build-deb.sh .build/release dist

clean:
	rm -rf .build demo-data dist $(VENV)

## Install binaries, units, udev rules, sysusers/tmpfiles snippets, device and platform profiles, example config and completions.
install:
	@test -x $(BINDIR)/counterd -a -x $(BINDIR)/counterctl -a -x $(BINDIR)/counterd-district || { echo "no binaries in $(BINDIR): run 'swift build -c release' first"; exit 1; }
	install -D -m 0755 $(BINDIR)/counterd $(DESTDIR)$(PREFIX)/bin/counterd
	install -D -m 0755 $(BINDIR)/counterctl $(DESTDIR)$(PREFIX)/bin/counterctl
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/bin/counterd|$(PREFIX)/bin/counterd|; s|/usr/share/counterd|$(PREFIX)/share/counterd|g; s|/etc/counterd|$(SYSCONFDIR)/counterd|g' \
	  systemd/counterd.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/counterd.service
	@# The district service (its own unit; enabled by the administrator on the district's server only).
	install -D -m 0755 $(BINDIR)/counterd-district $(DESTDIR)$(PREFIX)/bin/counterd-district
	sed 's|/usr/bin/counterd-district|$(PREFIX)/bin/counterd-district|; s|/etc/counterd|$(SYSCONFDIR)/counterd|g' \
	  systemd/counterd-district.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/counterd-district.service
	install -D -m 0644 config/district.toml $(DESTDIR)$(PREFIX)/share/doc/counterd/district.toml.example
	install -D -m 0644 systemd/counterd.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/counterd.conf
	install -D -m 0644 systemd/counterd.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/counterd.conf
	install -D -m 0644 udev/62-counterd.rules $(DESTDIR)$(PREFIX)/lib/udev/rules.d/62-counterd.rules
	install -d $(DESTDIR)$(PREFIX)/share/counterd/profiles
	install -m 0644 profiles/*.toml $(DESTDIR)$(PREFIX)/share/counterd/profiles/
	install -d $(DESTDIR)$(PREFIX)/share/counterd/platforms
	install -m 0644 platforms/*.toml $(DESTDIR)$(PREFIX)/share/counterd/platforms/
	install -D -m 0644 config/demo.toml $(DESTDIR)$(PREFIX)/share/doc/counterd/counterd.toml.example
	@# The default voice pack, spoken by espeak-ng; recorded clips of the same names can replace it.
	@if command -v espeak-ng >/dev/null; then $(BINDIR)/counterctl voice-pack $(DESTDIR)$(PREFIX)/share/counterd/voice; \
	else echo "espeak-ng is not installed: no voice pack (counterctl voice-pack DIR makes one later)"; fi
	install -D -m 0644 udev/61-counterd-devices.rules.example $(DESTDIR)$(PREFIX)/share/doc/counterd/61-counterd-devices.rules.example
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/counterd/README.md
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/counterd
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	$(BINDIR)/counterctl --generate-completion-script bash | sed '1{/^#!/d}' > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/counterctl
	$(BINDIR)/counterctl --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_counterctl
	$(BINDIR)/counterctl --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/counterctl.fish
	@# Manual pages from the commands' own help, by swift-argument-parser's generate-manual.
	@test -x $(MANGEN) || $(SWIFT) build --product generate-manual >/dev/null
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	$(MANGEN) $(BINDIR)/counterd --output-directory $(DESTDIR)$(PREFIX)/share/man/man1 --date 2026-11-23 --authors "counterd maintainers"
	$(MANGEN) $(BINDIR)/counterctl --output-directory $(DESTDIR)$(PREFIX)/share/man/man1 --date 2026-11-23 --authors "counterd maintainers"
	$(MANGEN) $(BINDIR)/counterd-district --output-directory $(DESTDIR)$(PREFIX)/share/man/man1 --date 2026-12-01 --authors "counterd maintainers"
	gzip -9nf $(DESTDIR)$(PREFIX)/share/man/man1/counterd.1 $(DESTDIR)$(PREFIX)/share/man/man1/counterctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/counterd-district.1

## libFuzzer on every decoder of outside bytes (release, -sanitize=fuzzer,address), FUZZ_SECONDS each
## (default 60), all targets or FUZZ_TARGETS="caller json …". New inputs go to .build/fuzz-corpus/TARGET
## beside the committed seeds (Tests/Fixtures/fuzz/TARGET); a crash is saved as .build/fuzz-crashes/TARGET-*
## and replays with `.build/debug/counterd-fuzz TARGET FILE`. Figures: RELIABILITY.md.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= caller modbus evdev hid printer scanner recording config profile json logbatch wav
FUZZ_BUILD := .build/fuzz
fuzz-build: deps
	$(SWIFT) build -c release --scratch-path $(FUZZ_BUILD) --product counterd-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING

fuzz: fuzz-build
	@mkdir -p .build/fuzz-crashes; status=0; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build/fuzz-corpus/$$t; \
	  echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  COUNTERD_FUZZ_TARGET=$$t ASAN_OPTIONS=detect_leaks=0 $(FUZZ_BUILD)/release/counterd-fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix=.build/fuzz-crashes/$$t- \
	    .build/fuzz-corpus/$$t Tests/Fixtures/fuzz/$$t 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|property broken|.*Assertion)" || true; \
	  ls .build/fuzz-crashes/$$t-* >/dev/null 2>&1 && { echo "   CRASH: $$(ls .build/fuzz-crashes/$$t-*)"; status=1; }; \
	done; exit $$status

## The crash soak: the real daemon under HTTP and device traffic, SIGKILLed at random SOAK_ROUNDS times
## (default 40; the suite runs 3), then every acknowledged event checked against the log (SoakTests).
SOAK_ROUNDS ?= 40
soak: test-deps
	$(SWIFT) build --build-tests
	COUNTERD_SOAK_ROUNDS=$(SOAK_ROUNDS) $(SWIFT) test --skip-build --no-parallel --filter 'SoakTests|DiskFullTests|ClockStepTests'
