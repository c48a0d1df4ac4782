#!/usr/bin/env bash
# Puts libchdb.so (the embedded ClickHouse engine) into a per-user cache outside git, once.
# The npm package @chdb/lib-linux-x64-gnu is pinned; 178 MB download, 566 MB unpacked.
set -euo pipefail
version="26.7.3-stable.1"
if [ -n "${ANALYTICS_CHDB_LIBRARY:-}" ]; then
  [ -f "$ANALYTICS_CHDB_LIBRARY" ] || { echo "ANALYTICS_CHDB_LIBRARY=$ANALYTICS_CHDB_LIBRARY does not exist" >&2; exit 1; }
  exit 0
fi
dir="${XDG_CACHE_HOME:-$HOME/.cache}/analytics/chdb-$version"
[ -f "$dir/libchdb.so" ] && exit 0
command -v npm >/dev/null || "$(dirname "$0")/ensure-node.sh"
echo "Fetching the embedded ClickHouse engine (chDB $version, ~178 MB) into $dir …"
tmp=$(mktemp -d "${dir%/*}/.fetch.XXXXXX" 2>/dev/null || { mkdir -p "${dir%/*}"; mktemp -d "${dir%/*}/.fetch.XXXXXX"; })
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@chdb/lib-linux-x64-gnu@$version" >/dev/null)
tar -xzf "$tmp"/chdb-lib-linux-x64-gnu-*.tgz -C "$tmp" package/libchdb.so
mkdir -p "$dir"
mv "$tmp/package/libchdb.so" "$dir/libchdb.so.partial" && mv "$dir/libchdb.so.partial" "$dir/libchdb.so"
echo "chDB ready: $dir/libchdb.so"
