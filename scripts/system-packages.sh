#!/bin/sh
# Installs the Debian packages the browser tests and the district centre's tests need
# (Chromium, PostgreSQL; with `bench`, also the load generator wrk), when they are
# missing. Needs root (as on the hall's install machine and in CI); otherwise it says
# what to run.
set -e
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
# The tests start a throwaway cluster from these binaries when no server answers.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
if [ "${1:-}" = bench ]; then
    command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "缺少系统软件包 missing Debian packages:$missing"
    echo "请运行 please run: sudo apt-get install -y$missing"
    exit 1
fi
echo "安装 installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
