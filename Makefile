# The two commands of the README: `make run` and `make test`. Each installs
# whatever is missing first (scripts/setup.sh), so a fresh machine needs nothing else.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test setup release serve-release bench loadtest

## Install what is missing, then serve the bundled demo trials on http://127.0.0.1:3000
run:
	scripts/setup.sh run
	DSMB_DEMO=1 cargo leptos serve

## Install what is missing, then run every test (fmt, clippy, native, browser)
test:
	scripts/setup.sh test
	scripts/test.sh

## Optimised build (wasm-opt from the npm package binaryen, first on PATH)
release:
	scripts/setup.sh run
	cargo leptos build --release

serve-release:
	scripts/setup.sh run
	DSMB_DEMO=1 cargo leptos serve --release

## Load test of the release server (wrk on loopback; see scripts/loadtest.sh)
loadtest: release
	scripts/loadtest.sh
