#!/usr/bin/env bash
# Node and npm from Debian, only when missing (the chDB fetch and the tracker build need them).
set -euo pipefail
command -v node >/dev/null && command -v npm >/dev/null && exit 0
echo "Installing Node.js and npm from Debian …"
export DEBIAN_FRONTEND=noninteractive
sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq nodejs npm >/dev/null
