#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need, checks
# formatting and lints, then runs every test (unit, store suites on SQLite and
# PostgreSQL, UserSig interop with the official libraries, integration tests over
# real sockets, the shipped nginx site in front of the server, the JavaScript SDK's tests
# against the real server, the web pages in a real browser).
#
# Needs, before it starts (README.md, "Running the tests"):
#   - Rust (cargo) with the rustfmt and clippy components;
#   - PostgreSQL running and reachable at LIVEROOM_TEST_PG_URL (default
#     postgres://postgres@127.0.0.1:5432/test): a database `test` the user logs into without a
#     password (trust auth); the store tests make and drop their own schemas in it;
#   - NATS with JetStream reachable at LIVEROOM_TEST_NATS_URL (default
#     nats://127.0.0.1:4222; Debian's nats-server 2.9 with `-js` is enough): the cluster tests
#     use their own subject prefix and make and drop their own PostgreSQL databases;
#   - Python 3 with venv (Debian: python3-venv);
#   - Node.js 20.19+ and npm;
#   - the network for crates.io, PyPI and the npm registry (or warm caches).
# It installs cargo-nextest (cargo install) when missing, and Debian's chromium (apt-get, when
# it runs as root or with sudo) for the browser tests, which it skips, saying so, without it.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> interop environment (official UserSig libraries)"
bash scripts/interop/setup.sh

echo "==> cargo fmt --check"
cargo fmt --all -- --check

echo "==> cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

if ! cargo nextest --version >/dev/null 2>&1; then
  echo "==> installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

echo "==> nginx (the deployment example's test puts it in front of the server)"
# Debian's nginx, installed when missing; the test runs it as this user on a temporary
# prefix and loopback ports. The package's own service is kept from starting (port 80).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "nginx is missing; installing it with apt-get"
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ] \
    && $SUDO sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'; then
    made_policy=1
  fi
  { $SUDO apt-get update -qq \
    && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx; } \
    || echo "apt-get could not install nginx"
  if [ "$made_policy" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
  if [ -d /run/systemd/system ]; then $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true; fi
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "SKIPPED: the nginx deployment test (nginx is not installed and could not be installed: no root or no apt-get)"
fi

echo "==> tests"
cargo nextest run --workspace --locked --no-fail-fast "$@"
# nextest does not run doc tests.
cargo test --workspace --locked --doc

cargo build --locked -p liveroom-server -p liveroom-bench

echo "==> JavaScript SDK: type check and tests against the server"
(cd sdk/js && npm ci --no-audit --no-fund && npm run typecheck \
  && LIVEROOM_BIN="$PWD/../../target/debug/liveroom" npm test)

echo "==> web pages: type check (strict, from the JSDoc)"
(cd web && { [ -d node_modules/typescript ] || npm ci --no-audit --no-fund; } && npm run typecheck)

echo "==> web pages in a browser (chromium driven by playwright-core)"
# Debian's chromium, installed when missing; never a browser download.
if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
  echo "chromium is missing; installing it with apt-get"
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium \
    || echo "apt-get could not install chromium"
fi
CHROMIUM_BIN="$(command -v "${CHROMIUM:-chromium}" || true)"
if [ -n "$CHROMIUM_BIN" ]; then
  # The server's build script already installed web/'s packages (playwright-core among them).
  (cd web && { [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund; } \
    && CHROMIUM="$CHROMIUM_BIN" LIVEROOM_BIN="$PWD/../target/debug/liveroom" npm run test:browser)
else
  echo "SKIPPED: browser tests (chromium is not installed and could not be installed: no root or no apt-get)"
fi

echo "==> load tool smoke run (every scenario, a few viewers, seconds)"
target/debug/liveroom-bench smoke --server-bin target/debug/liveroom \
  --server-cpu "" --tool-cpu "" --out target/bench-smoke
