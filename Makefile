# Entry points; the work is done by scripts/ (see infra/README.md).
#   make run    build and run the dev stack in the foreground (Ctrl-C stops it)
#   make up     same, but return once it is up; make down stops it
#   make test   unit tests, integration tests against a fresh test stack, a short chaos run
#   make chaos  faults under load: three seeded runs of 120 s (scripts/chaos)
#   make test-compat  the last release's binaries and integration tests on the current schema
#   make test-apache  the auth, catalogue and booking suites through Apache (mod_fcgid, CGI)
#   make cluster-test the system as a cluster on loopback addresses, with failures under load
#   make bench  throughput and latency figures (bench stack)
#   make check  format check, -Werror build and unit tests under ASan/UBSan (CI runs it too)
#   make package        Debian packages, one per function, in build/packages
#   make test-packages  install them into a scratch root and check what lands where
SHELL := /bin/bash
CLANG_FORMAT ?= clang-format

.PHONY: help deps build unit run up down status test chaos cluster-test test-apache test-compat bench check package test-packages format clean distclean

help:
	@sed -n 's/^#   //p' Makefile
	@echo "  also: deps build unit status format clean distclean"

deps:
	scripts/install-deps

build: deps
	scripts/build

unit: build
	ctest --test-dir build -L unit --output-on-failure

run:
	scripts/run

up: build
	scripts/stack --profile dev up
	scripts/seed --profile dev

down:
	scripts/stack --profile dev down

status:
	-scripts/stack --profile dev status

test: unit
	scripts/test-integration
	scripts/chaos --short

chaos: build
	scripts/chaos

cluster-test: build
	scripts/cluster-test

test-apache: build
	scripts/test-apache

test-compat: build
	scripts/test-compat

bench: build
	scripts/bench

check: deps
	scripts/check

package: deps
	scripts/package

test-packages: package
	scripts/test-packages

format:
	@command -v $(CLANG_FORMAT) >/dev/null || { echo "clang-format not found (apt-get install clang-format)"; exit 1; }
	find common functions tests \( -name '*.cpp' -o -name '*.h' \) -print0 | xargs -0 -r $(CLANG_FORMAT) -i

clean:
	rm -rf build build-check

# Also stops every local stack and deletes .run (databases and release trees included).
distclean: clean
	for p in dev test bench chaos; do scripts/stack --profile $$p down --purge; done
	scripts/cluster down --purge
	scripts/test-apache --stop
	scripts/test-compat --down
	rm -rf .run
	git worktree prune 2>/dev/null || true
