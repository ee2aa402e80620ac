#!/usr/bin/env bash
# Installs the vendor's official UserSig generators that crates/core/tests/usersig_interop.rs
# checks our implementation against:
#   - PyPI `tls-sig-api-v2` (pinned in requirements.txt) into target/interop/venv
#   - npm `tls-sig-api-v2` (pinned in package.json / package-lock.json) into
#     scripts/interop/node_modules
# Idempotent: when both are already installed at the pinned versions it only checks and exits.
# Needs python3 (with venv), node and npm on PATH, and access to PyPI and the npm registry.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/interop/venv"
python="${PYTHON:-python3}"

sha() { sha256sum "$@" | cut -c1-64; }

# --- Python -----------------------------------------------------------------------------
py_stamp="$venv/.liveroom-interop-stamp"
py_want="$(sha "$here/requirements.txt")"
if [[ -x "$venv/bin/python" && -f "$py_stamp" && "$(cat "$py_stamp")" == "$py_want" ]] &&
    "$venv/bin/python" -c 'import TLSSigAPIv2' 2>/dev/null; then
    echo "interop: python venv up to date ($venv)"
else
    echo "interop: creating python venv at $venv"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --require-hashes -r "$here/requirements.txt"
    "$venv/bin/python" -c 'import TLSSigAPIv2'
    echo "$py_want" >"$py_stamp"
fi

# --- Node -------------------------------------------------------------------------------
node_stamp="$here/node_modules/.liveroom-interop-stamp"
node_want="$(sha "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-64)"
if [[ -f "$node_stamp" && "$(cat "$node_stamp")" == "$node_want" &&
    -f "$here/node_modules/tls-sig-api-v2/TLSSigAPIv2.js" ]]; then
    echo "interop: node_modules up to date ($here/node_modules)"
else
    echo "interop: npm ci in $here"
    (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$node_want" >"$node_stamp"
fi

# --- Smoke check --------------------------------------------------------------------------
"$venv/bin/python" "$here/mint.py" 1 k probe:60 >/dev/null
node "$here/mint.mjs" 1 k probe:60 >/dev/null
echo "interop: ready"
