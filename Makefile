# Ballast. The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
.PHONY: demo test build release deps test-deps plugins unit e2e bench clean-e2e

# The public traces the simulator's tests read: ../shared/traces beside this checkout,
# or else beside the repository it was cloned from (a clone in /tmp has no ../shared).
BALLAST_TRACES ?= $(abspath $(firstword $(wildcard ../shared/traces) \
  $(wildcard $(shell git config --get remote.origin.url 2>/dev/null)/../shared/traces)))
export BALLAST_TRACES

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

build: deps
	swift build

# The binary to deploy (.build/release/ballast): the Swift runtime linked statically
# (it must reach the compiler too, so the flag is here and not in Package.swift) and the
# link flags of Package.swift's releaseDaemonLinkFlags.
release: deps
	swift build -c release --static-swift-stdlib --product ballast

plugins: deps
	$(MAKE) -s -C plugins/c

# The balancer live on a simulated host: 4 simulated minutes at 4x speed. On a terminal
# the dashboard (the table redrawn in place, the last decisions under it), its log lines
# off unless DEMO_LOG=FILE keeps them; piped, plain log lines only.
DEMO_LOG ?=
demo: build
	swift run --skip-build ballast run --backend sim --scenario demo --speed 4 --duration 240 --table \
	  $(if $(DEMO_LOG),--log-file $(DEMO_LOG))

# Every test: unit, property, plugin, metrics (promtool, Prometheus) and real
# QEMU guests under libvirt. The real-guest balancing suite runs on its own
# after the rest, so that guests boot on a machine not busy with other tests.
# libvirtd is started here (scripts/libvirt/up.sh,
# idempotent, no systemd needed) for every suite that needs it, and only what
# up.sh started is stopped afterwards, whatever the tests' outcome.
test: test-deps plugins
	swift build --build-tests
	bash scripts/libvirt/up.sh
	bash guest/build.sh >/dev/null
	BALLAST_E2E_KEEP_DAEMONS=1 swift test --skip-build --skip BallastE2ETests \
	  && BALLAST_E2E_KEEP_DAEMONS=1 swift test --skip-build --filter BallastE2ETests; \
	  status=$$?; bash scripts/libvirt/down.sh; exit $$status

# Only the real-guest suites (libvirt layer and balancing end to end), one after the
# other: a balancing scenario's `ballast run` manages every domain on the host, the
# libvirt layer's guest included.
e2e: test-deps
	swift build --build-tests
	bash scripts/libvirt/up.sh
	bash guest/build.sh >/dev/null
	BALLAST_E2E_KEEP_DAEMONS=1 swift test --skip-build --filter RealGuestTests \
	  && BALLAST_E2E_KEEP_DAEMONS=1 swift test --skip-build --filter BallastE2ETests; \
	  status=$$?; bash scripts/libvirt/down.sh; exit $$status

# Benchmarks run with the glibc allocator settings the daemon sets for itself
# (Sources/BallastDaemon/MallocTuning.swift), so tick timings are the daemon's.
bench: deps
	cd Benchmarks && GLIBC_TUNABLES=glibc.malloc.mmap_threshold=16777216:glibc.malloc.trim_threshold=33554432:glibc.malloc.arena_max=1 \
	  swift package --disable-sandbox benchmark
