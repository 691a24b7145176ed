# Ballast. The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
.PHONY: demo test build deps test-deps plugins unit e2e bench clean-e2e

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

build: deps
	swift build

plugins: deps
	$(MAKE) -s -C plugins/c

# The balancer live on a simulated host: 4 simulated minutes at 4x speed.
demo: build
	swift run --skip-build ballast run --backend sim --scenario demo --speed 4 --duration 240

# Every test: unit, property, plugin, metrics (promtool, Prometheus) and real
# QEMU guests under libvirt (started and stopped by the tests themselves).
test: test-deps plugins
	swift build --build-tests
	swift test --skip-build

# Only the real-guest suite.
e2e: test-deps
	swift build --build-tests
	swift test --skip-build --filter BallastE2ETests

bench: deps
	cd Benchmarks && swift package --disable-sandbox benchmark
