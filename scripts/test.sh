#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need, checks
# formatting and lints, then runs every test (unit, store suites on SQLite and
# PostgreSQL, UserSig interop with the official libraries, integration tests over
# real sockets, the JavaScript SDK's tests against the real server).
#
# Needs: Rust (cargo), Python 3 with venv, Node.js + npm, and PostgreSQL reachable at
# LIVEROOM_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
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

echo "==> tests"
cargo nextest run --workspace --locked --no-fail-fast "$@"
# nextest does not run doc tests.
cargo test --workspace --locked --doc

cargo build --locked -p liveroom-server -p liveroom-bench

echo "==> JavaScript SDK: type check and tests against the server"
(cd sdk/js && npm ci --no-audit --no-fund && npm run typecheck \
  && LIVEROOM_BIN="$PWD/../../target/debug/liveroom" npm test)

echo "==> load tool smoke run (every scenario, a few viewers, seconds)"
target/debug/liveroom-bench smoke --server-bin target/debug/liveroom \
  --server-cpu "" --tool-cpu "" --out target/bench-smoke
