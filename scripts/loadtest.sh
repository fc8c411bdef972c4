#!/usr/bin/env bash
# Load test of the release server on loopback: a signed-in DSMB member's
# safety and efficacy pages, 64 connections for 30 s each (wrk, from
# Debian's packages). Prints wrk's latency distribution and the server's
# resident memory before and after. Needs `cargo leptos build --release`.
#   scripts/loadtest.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
bin=target/release/dsmb
[ -x "$bin" ] || { echo "build first: cargo leptos build --release" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export DSMB_DB="$work/dsmb.sqlite" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=dsmb
password="load-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$password" | "$bin" user add load-dsmb --role altshock2=dsmb --role cdisc-pilot01=dsmb >/dev/null
addr=127.0.0.1:3099
"$bin" serve --addr "$addr" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://$addr/login" && break; sleep 0.2; done
cookie=$(curl -s -D - -o /dev/null -H "Origin: http://$addr" \
  --data-urlencode "username=load-dsmb" --data-urlencode "password=$password" \
  "http://$addr/auth/login" | tr -d '\r' | sed -n 's/^set-cookie: \(dsmb_session=[0-9a-f]*\).*/\1/p')
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
for page in /trial/altshock2/safety /trial/altshock2/efficacy; do
  curl -s -o /dev/null -H "Cookie: $cookie" "http://$addr$page"   # warm the caches
  echo "== $page: RSS before $(rss)"
  wrk -t2 -c64 -d"${secs}s" --latency -H "Cookie: $cookie" "http://$addr$page"
  echo "== $page: RSS after $(rss)"
done
