#!/usr/bin/env bash
# Runs every test: .NET (unit + both storage engines + service processes) and the tracker (unit + real Chromium).
# Installs what is missing first (chDB into ~/.cache, clickhouse-server, Chromium and Node from Debian).
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-test-tools.sh
scripts/fetch-chdb.sh
scripts/fetch-geoip.sh >/dev/null   # the DB-IP default database: its reader path is tested too

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
status=0

echo "== .NET build"
dotnet build Analytics.sln -c Release -nologo -v quiet -clp:ErrorsOnly
echo "== .NET tests (embedded chDB and a ClickHouse $(/usr/sbin/clickhouse-server --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1) server)"
dotnet test Analytics.sln -c Release --no-build -nologo 2>&1 | tee "$log/dotnet.txt" || status=1

echo "== tracker: build, size budget, unit tests"
(cd tracker-js && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm test) 2>&1 | tee "$log/tracker.txt" || status=1
echo "== tracker: end-to-end in Chromium"
(cd tracker-js && npm run e2e) 2>&1 | tee "$log/e2e.txt" || status=1

# One closing line over all runners.
sum() { { grep -hoE "$1" "${@:2}" 2>/dev/null || true; } | grep -oE '[0-9]+$' | awk '{s+=$1} END {print s+0}'; }
passed=$(( $(sum 'Passed: *[0-9]+' "$log/dotnet.txt") + $(sum '^(ℹ|#) pass [0-9]+' "$log/tracker.txt" "$log/e2e.txt") ))
failed=$(( $(sum 'Failed: *[0-9]+' "$log/dotnet.txt") + $(sum '^(ℹ|#) fail [0-9]+' "$log/tracker.txt" "$log/e2e.txt") ))
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
