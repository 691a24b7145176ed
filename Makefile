# Ballast. The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
.PHONY: demo test build release deb deps test-deps bench-deps plugins unit e2e bench bench-check bench-check-cheap \
	bench-update-thresholds clean-e2e
.PHONY: fuzz soak sanitize

# The public traces the simulator's tests read: ../shared/traces beside this checkout,
# or else beside the repository it was cloned from (a clone in /tmp has no ../shared).
BALLAST_TRACES ?= $(abspath $(firstword $(wildcard ../shared/traces) \
  $(wildcard $(shell git config --get remote.origin.url 2>/dev/null)/../shared/traces)))
export BALLAST_TRACES

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

bench-deps:
	@bash scripts/install-deps.sh --bench

build: deps
	swift build

# The binary to deploy (.build/release/ballast): the Swift runtime linked statically
# (it must reach the compiler too, so the flag is here and not in Package.swift) and the
# link flags of Package.swift's releaseDaemonLinkFlags.
release: deps
	swift build -c release --static-swift-stdlib --product ballast

# The Debian package (.build/deb/ballast_<version>_amd64.deb) of the release binary, built
# with dpkg-deb: what goes where and how it is tested in docs/packaging.md.
deb: release
	bash scripts/package/deb.sh

plugins: deps
	$(MAKE) -s -C plugins/c

# The balancer live on a simulated host: 4 simulated minutes at 4x speed. On a terminal
# the dashboard (the table redrawn in place, the last decisions under it), its log lines
# off unless DEMO_LOG=FILE keeps them; piped, plain log lines only.
DEMO_LOG ?=
demo: build
	swift run --skip-build ballast run --backend sim --scenario demo --speed 4 --duration 240 --table \
	  $(if $(DEMO_LOG),--log-file $(DEMO_LOG))

# Every test: unit, property, plugin, metrics (promtool, Prometheus), the cheap
# performance guards (bench-check-cheap), a short soak (SOAK_TEST_ARGS), the Debian
# package (built here: `make deb`, installed and purged by its test) and real QEMU guests
# under libvirt.
# The real-guest balancing suite runs on its own
# after the rest, so that guests boot on a machine not busy with other tests.
# libvirtd is started here (scripts/libvirt/up.sh,
# idempotent, no systemd needed) for every suite that needs it, and only what
# up.sh started is stopped afterwards, whatever the tests' outcome.
test: test-deps plugins
	swift build --build-tests
	python3 Benchmarks/guard.py check --cheap
	FUZZ_SECONDS=$(FUZZ_TEST_SECONDS) bash scripts/fuzz.sh
	$(MAKE) deb
	python3 scripts/soak.py $(SOAK_TEST_ARGS) --out .build/soak-test
	bash scripts/libvirt/up.sh
	bash guest/build.sh >/dev/null
	BALLAST_E2E_KEEP_DAEMONS=1 swift test --skip-build --skip BallastE2ETests \
	  && BALLAST_E2E_KEEP_DAEMONS=1 swift test --skip-build --filter BallastE2ETests; \
	  status=$$?; bash scripts/libvirt/down.sh; exit $$status

# Only the real-guest suites (libvirt layer, the Debian package and balancing end to
# end), one after the other: a balancing scenario's `ballast run` manages every domain on the host, the
# libvirt layer's guest included.
e2e: test-deps
	swift build --build-tests
	$(MAKE) deb
	bash scripts/libvirt/up.sh
	bash guest/build.sh >/dev/null
	BALLAST_E2E_KEEP_DAEMONS=1 swift test --skip-build --filter BallastLibvirtTests.LibvirtRealGuestTests \
	  && BALLAST_E2E_KEEP_DAEMONS=1 swift test --skip-build --filter BallastE2ETests; \
	  status=$$?; bash scripts/libvirt/down.sh; exit $$status

# Benchmarks run with the glibc allocator settings the daemon sets for itself
# (Sources/BallastDaemon/MallocTuning.swift), so tick timings are the daemon's.
bench: deps
	cd Benchmarks && GLIBC_TUNABLES=glibc.malloc.mmap_threshold=16777216:glibc.malloc.trim_threshold=33554432:glibc.malloc.arena_max=1 \
	  swift package --disable-sandbox benchmark

# The performance guards (docs/benchmarks.md): malloc counts (package-benchmark) and
# instruction counts (callgrind) per step of the `guard-` benchmarks, against the
# thresholds committed in Benchmarks/Thresholds/; neither depends on how busy the
# machine is. The cheap check (part of `make test`) holds the tick and the allocator,
# which need BallastCore alone; the full one adds the engine actor's tick, the plugin
# encoder and the /metrics render (the daemon's libraries and SwiftNIO, in release).
bench-check: deps bench-deps
	python3 Benchmarks/guard.py check

bench-check-cheap: deps bench-deps
	python3 Benchmarks/guard.py check --cheap

# Records new thresholds from this machine after an intended change; commit Benchmarks/Thresholds/.
bench-update-thresholds: deps bench-deps
	python3 Benchmarks/guard.py update

# Coverage-guided fuzzing (docs/fuzzing.md): the Fuzz/ package built with libFuzzer and
# AddressSanitizer, each target run FUZZ_SECONDS from its seeds in Tests/Fuzz/Corpus/;
# per target executions/s, corpus size and edges; crashing inputs in .build/fuzz/artifacts/.
# `make test` runs each target FUZZ_TEST_SECONDS (see docs/fuzzing.md for the time it takes).
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 10
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

# The unit suites (every suite but BallastE2ETests) under ThreadSanitizer, then under
# AddressSanitizer with LeakSanitizer (docs/sanitizers.md): each a build of its own
# (.build-tsan, .build-asan), one after the other; SANITIZERS="thread" or "address" picks
# one. Fails on any sanitizer report or test failure. libvirtd is started for the suites
# that need it and stopped afterwards, as in `test`. Not part of `make test` (the time
# it takes is in docs/sanitizers.md).
SANITIZERS ?= thread address
sanitize: test-deps plugins
	bash scripts/libvirt/up.sh
	bash guest/build.sh >/dev/null
	BALLAST_E2E_KEEP_DAEMONS=1 SANITIZERS="$(SANITIZERS)" bash scripts/sanitize.sh; \
	  status=$$?; bash scripts/libvirt/down.sh; exit $$status

# Soak (docs/soak.md): the release daemon on 1,000 VMs of the GCD trace, looped, for
# SOAK_DAYS simulated days at 300x (7: about 35 minutes), with two plugins (one restarted
# every 2 minutes by coreutils `timeout`), /metrics and /v1/state scraped without pause and a
# SIGHUP every simulated hour; RSS, descriptors, threads and tick p50/p99 sampled each
# simulated hour into .build/soak/report.html (an SVG plot and the table). `make test`
# runs SOAK_TEST_ARGS: one simulated day of 250 VMs at 600x (about 2.5 minutes).
SOAK_DAYS ?= 7
SOAK_TEST_ARGS ?= --days 1 --vms 250 --speed 600 --warmup-hours 12 --restart-seconds 80
soak: release plugins
	python3 scripts/soak.py --days $(SOAK_DAYS)
