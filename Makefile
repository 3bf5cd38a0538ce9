# Eddy: the two commands a fresh machine needs are `make demo` and `make test`.
SWIFT        ?= swift
APT_PACKAGES := zlib1g-dev libssl-dev liburing-dev openssl python3 python3-venv procps redis-server redis-tools memcached
FORMAT_PATHS := Package.swift Modules Tests Tools Benchmarks/Package.swift Benchmarks/Sources Benchmarks/Benchmarks \
                Examples/Package.swift Examples/Sources Examples/Tests Examples/DocSnippets/Package.swift

TSAN_SCRATCH ?= .build-tsan
ASAN_SCRATCH ?= .build-asan
CHECK_FUZZ_SECONDS ?= 10

.PHONY: setup venv build test docs check browser-test allocation-budgets fuzz tsan asan soak lint format demo bench compare clean

VENV         := .venv
PY_PACKAGES  := hdrhistogram==0.10.8

## setup: install the system packages the project needs, only those missing
setup:
	@missing=""; for pkg in $(APT_PACKAGES); do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## venv: the Python packages the tests use (HdrHistogram's Python reader, which checks loadgen's
## histogram logs), in a virtual environment of the project's own
venv: setup $(VENV)/.installed

$(VENV)/.installed: Makefile
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(PY_PACKAGES)
	touch $@

## build: debug build of every module and tool
build: setup
	$(SWIFT) build

## test: lint and the docs' code, the Swift test suite (on epoll, then again on io_uring where the
## kernel offers it), then the interop scripts; then the Examples
## package's tests and its RESP server against redis-cli and redis-benchmark
test: setup venv lint docs
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel
	@if [ "$$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null)" = 0 ]; then \
	  echo "the suite again, every loop on io_uring (EDDY_BACKEND=io_uring)"; \
	  EDDY_BACKEND=io_uring $(SWIFT) test --skip-build --no-parallel; \
	else \
	  echo "io_uring is not offered here (kernel.io_uring_disabled): the suite ran on epoll only"; \
	fi
	Tools/scripts/interop.sh
	$(SWIFT) build --package-path Examples --build-tests
	$(SWIFT) test --package-path Examples --skip-build
	Tools/scripts/kv-interop.sh

## check: the longer checks CI runs after `make test`: the DocC build (`make docs`, which `make
## test` also runs; the second run has little to rebuild), the browser test, the allocation
## budgets, a short fuzz run of every target, then the tests under ThreadSanitizer and
## AddressSanitizer
check: setup docs browser-test allocation-budgets
	FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS) Tools/scripts/fuzz.sh
	$(MAKE) tsan asan

## browser-test: `loadgen report`'s page of a real run opened in headless Chromium (Debian's
## `chromium`, installed when missing); the page and its screenshot stay in
## .build/debug/report-browser-test/
browser-test: setup
	@dpkg -s chromium >/dev/null 2>&1 || { \
	  echo "installing: chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	}
	$(SWIFT) build --build-tests
	EDDY_BROWSER_TESTS=1 $(SWIFT) test --skip-build --no-parallel --filter ReportBrowserTests

## allocation-budgets: mallocs per echoed message (raw, line, length-prefix, zlib,line, async) and
## per accepted connection, counted by the ordo-one benchmark over loopback, against the thresholds
## in Benchmarks/Thresholds; fails when one grows (`Benchmarks/Scripts/allocation-budgets.sh update`
## writes new ones). About 4 minutes from a clean build.
allocation-budgets: setup
	Benchmarks/Scripts/allocation-budgets.sh check

## fuzz: every libFuzzer target for FUZZ_SECONDS (default 60) each
fuzz: setup
	Tools/scripts/fuzz.sh

## tsan: the reactor and transport tests under ThreadSanitizer, on epoll and again on io_uring
## where the kernel offers it
tsan: setup
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path $(TSAN_SCRATCH)
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path $(TSAN_SCRATCH) --no-parallel \
	  --filter "EddyReactorTests|EddyTransportsTests"
	@if [ "$$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null)" = 0 ]; then \
	  echo "the same tests under ThreadSanitizer, every loop on io_uring"; \
	  EDDY_BACKEND=io_uring $(SWIFT) test --skip-build --sanitize=thread --scratch-path $(TSAN_SCRATCH) \
	    --no-parallel --filter "EddyReactorTests|EddyTransportsTests"; \
	fi

## asan: the whole suite under AddressSanitizer, on epoll and again on io_uring where the kernel
## offers it. Leak detection is off here: several in-memory tests leave a connection open on
## purpose, whose protocol and transport keep each other; leaks are checked by the `stack` fuzz
## target (LeakSanitizer on) and the lifetime tests.
asan: setup venv
	$(SWIFT) build --build-tests --sanitize=address --scratch-path $(ASAN_SCRATCH)
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --sanitize=address \
	  --scratch-path $(ASAN_SCRATCH) --no-parallel
	@if [ "$$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null)" = 0 ]; then \
	  echo "the suite under AddressSanitizer again, every loop on io_uring"; \
	  EDDY_BACKEND=io_uring ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build \
	    --sanitize=address --scratch-path $(ASAN_SCRATCH) --no-parallel; \
	fi

## soak: every codec stack under many reconnecting clients for SOAK_SECONDS (default 180)
soak: setup
	Tools/scripts/soak.sh

## lint: swift format in strict mode
lint:
	$(SWIFT) format lint --strict --recursive $(wildcard $(FORMAT_PATHS))

## docs: every Swift block of README.md, docs/ and the DocC catalogs compiles, and so does every
## step file of the DocC tutorial (the Examples/DocSnippets package; how a block is marked a
## fragment or given a hidden prelude is in Tools/scripts/check-docs.sh), and the README's echo
## server is the copy the tests run; then swift-docc-plugin builds every catalog
## (Modules/<Name>/<Name>.docc) into one combined archive in $(DOCS_OUTPUT), warnings as errors, so
## a broken ``Symbol`` link fails it. On this 2-core machine the DocC build took 80 s from a
## clean scratch directory and 20-30 s after a debug build (check-docs: about 70 s the first
## time, 15 s when nothing changed).
DOCS_OUTPUT  := .build/docs
DOCC_TARGETS := $(foreach catalog,$(wildcard Modules/*/*.docc),--target $(basename $(notdir $(catalog))))
docs: setup
	SWIFT=$(SWIFT) Tools/scripts/check-docs.sh
	$(SWIFT) package --allow-writing-to-directory $(DOCS_OUTPUT) generate-documentation \
	  --enable-experimental-combined-documentation --warnings-as-errors --output-path $(DOCS_OUTPUT) \
	  $(DOCC_TARGETS)

## format: rewrite sources with the checked-in .swift-format
format:
	$(SWIFT) format --in-place --recursive $(wildcard $(FORMAT_PATHS))

## demo: an echo server and a load generator against it, with a readable report
demo: setup
	Tools/scripts/demo.sh

## bench: micro benchmarks (Benchmarks package)
bench: setup
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

## compare: side-by-side echo comparison with peers (written to docs/benchmarks.md), then loadgen beside redis-benchmark
compare: setup
	Benchmarks/Scripts/compare.sh
	Benchmarks/Scripts/loadgen-redis-compare.sh

clean:
	rm -rf .build .build-fuzz $(TSAN_SCRATCH) $(ASAN_SCRATCH) Benchmarks/.build Benchmarks/.build-bench $(VENV) \
	  Examples/DocSnippets/.build Examples/DocSnippets/Sources
