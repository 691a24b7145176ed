# Ballast: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
.PHONY: demo test build deps bench e2e

deps:
	@bash scripts/install-deps.sh

build: deps
	swift build

demo: build
	swift run ballast run --backend sim --scenario demo --duration 60

test: deps
	swift build --build-tests
	swift test

bench: deps
	cd Benchmarks && swift package benchmark
