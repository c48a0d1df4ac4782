#!/usr/bin/env bash
# What the tests need from Debian, installed only when missing: a real ClickHouse server (18.16) that the
# storage tests start as a child process, and Chromium for the tracker's browser tests.
set -euo pipefail
need=()
[ -x /usr/sbin/clickhouse-server ] || need+=(clickhouse-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing from Debian: ${need[*]} …"
sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
# The package's init script would start a system server on :8123/:9000; tests start their own, so keep it off.
$sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
