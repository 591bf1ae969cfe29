#!/bin/sh
# Install the Debian packages vouch needs to build and test, when missing.
# Runs apt-get directly as root, through sudo otherwise; does nothing when
# every package is already present, so it is cheap to call from every make run.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
libssl-dev libsqlite3-dev sqlite3 libpq-dev libmicrohttpd-dev
libcurl4-openssl-dev libjansson-dev libyaml-dev libarchive-dev libzstd-dev
libcmocka-dev python3 curl"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: need root or sudo to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
