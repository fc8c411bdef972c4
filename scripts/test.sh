#!/usr/bin/env bash
# Every test: formatting, lints of both builds, native tests, browser tests.
# Assumes scripts/setup.sh test has run (make test does both).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
step() { printf '\n==> %s\n' "$*"; }
start=$(date +%s)

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo leptos build (server + WebAssembly, debug)"
cargo leptos build

# cargo-leptos builds the server with these settings; using the same ones
# lets cargo test reuse its artifacts instead of building everything again.
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME="dsmb"

step "native tests"
# A failing test's message last, not under a backtrace (CI shows the end).
RUST_BACKTRACE=0 cargo test --features ssr

step "clippy (ssr, native)"
cargo clippy --features ssr --all-targets -- -D warnings
step "clippy (hydrate, wasm32)"
cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings
unset RUSTFLAGS

step "browser tests (Playwright, Debian chromium)"
# A fresh access database with one user per role, a random password shared
# with the Playwright tests; the server cargo-leptos starts inherits DSMB_DB.
export DSMB_DB="$PWD/target/e2e/dsmb.sqlite"
rm -rf target/e2e
# The server serves a copy of the demo: the upload test registers a cut.
mkdir -p target/e2e
cp -r demo target/e2e/data
export DSMB_DATA="$PWD/target/e2e/data"
E2E_PASSWORD="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export E2E_PASSWORD
add_user() { printf '%s\n' "$E2E_PASSWORD" | target/debug/dsmb user add "$1" --role "altshock2=$2" --role "cdisc-pilot01=$2" >/dev/null; }
add_user e2e-sponsor sponsor
add_user e2e-stat statistician
add_user e2e-dsmb dsmb
add_user e2e-dsmb-js-on dsmb
add_user e2e-dsmb-js-off dsmb
add_user e2e-chair dsmb
add_user e2e-verdict-js-on dsmb
add_user e2e-verdict-js-off dsmb
target/debug/dsmb user chair e2e-chair altshock2 >/dev/null
target/debug/dsmb user chair e2e-chair cdisc-pilot01 >/dev/null
rm -f end2end/test-results/results.json
cargo leptos end-to-end
node -e '
  const r = require("./end2end/test-results/results.json");
  const s = r.stats;
  console.log(`end2end: ${s.expected} passed, ${s.unexpected} failed, ${s.skipped} skipped`);
  if (s.unexpected > 0) process.exit(1);
'
echo "all tests done in $(( $(date +%s) - start )) s"
