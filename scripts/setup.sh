#!/usr/bin/env bash
# Installs what the app (`setup.sh run`) or the tests (`setup.sh test`) need
# on a fresh machine of this kind (Debian 12, rustup, node/npm), and only
# what is missing, so repeat runs are fast. Nothing is downloaded from outside
# the package registries: cargo-leptos and wasm-bindgen-cli come from
# crates.io, plotly.js and binaryen (wasm-opt) from npm, Chromium and
# poppler-utils (the report tests read PDFs with pdftotext) from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"
CARGO_LEPTOS_VERSION="0.3.10" # 0.3.11 needs rustc 1.96 (see docs/BUILD-NOTES.md)
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

log() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " ${CARGO_LEPTOS_VERSION}\$"; then
  log "installing cargo-leptos ${CARGO_LEPTOS_VERSION} (about 12 minutes on 2 cores)"
  cargo install cargo-leptos --locked --version "${CARGO_LEPTOS_VERSION}"
fi

# The wasm-bindgen CLI must be the exact version of the wasm-bindgen crate in
# Cargo.lock, or cargo-leptos tries to download one (which fails here).
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WBG_VERSION}\$"; then
  log "installing wasm-bindgen-cli ${WBG_VERSION}"
  # Not --locked: its lockfile pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "${WBG_VERSION}"
fi

npm_ci() { # npm ci in folder $1 unless its node_modules is up to date
  local dir="$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
}

npm_ci .
mkdir -p public/js
if ! cmp -s node_modules/plotly.js-basic-dist-min/plotly-basic.min.js public/js/plotly-basic.min.js; then
  log "copying plotly.js into public/js (served by the app, never a CDN)"
  cp node_modules/plotly.js-basic-dist-min/plotly-basic.min.js public/js/plotly-basic.min.js
fi

if [ "$MODE" = "test" ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    log "installing Debian's chromium for the browser tests"
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
  fi
  if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    log "installing Debian's poppler-utils (pdftotext, pdftoppm) for the report tests"
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils
  fi
  npm_ci end2end
fi
log "set-up complete ($MODE)"
